package com.alignersync.http;

import com.alignersync.config.TlsConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a renewed certificate without a restart: looks at the certificate files every
 * {@code http.tls.reload-check-seconds} and, when their content changed, loads them and hands
 * the new key store to Jetty, which uses it for new connections. Files caught half written by a
 * renewal (or a key that does not match its chain) are not used: the old certificate stays, a
 * warning names the problem once, and the next look tries again.
 */
final class CertificateReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    private final TlsConfig tls;
    private final Clock clock;
    private final SslContextFactory.Server factory;
    private ScheduledExecutorService timer;
    private byte[] servedFiles;
    private byte[] refusedFiles;
    private TlsKeyStores.Loaded current;
    private Instant loadedAt;
    private String lastProblem;

    /** Loads the files once; a certificate that cannot be served fails here, at start. */
    CertificateReloader(TlsConfig tls, Clock clock) {
        this.tls = tls;
        this.clock = clock;
        this.factory = new SslContextFactory.Server();
        TlsKeyStores.Files files = TlsKeyStores.read(tls);
        byte[] fingerprint = fingerprint(files);
        TlsKeyStores.Loaded loaded = TlsKeyStores.load(tls, files);
        use(factory, loaded);
        // Host-name checking is the client's job (pg_net checks the certificate against the URL it was
        // given); a server-side SNI check would only refuse a webhook sent to another name of this host.
        factory.setSniRequired(false);
        remember(fingerprint, loaded);
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        long every = tls.reloadCheck().toMillis();
        // An exception escaping a scheduled task cancels every later run: a renewal would then never be seen.
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("http: looking at the certificate files failed; looking again in {} s: {}", tls.reloadCheck().toSeconds(), e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** One look at the files; loads them when they changed since the last load or refusal. */
    synchronized void check() {
        TlsKeyStores.Files files;
        try {
            files = TlsKeyStores.read(tls);
        } catch (TlsKeyStores.TlsFileException e) {
            refuse(null, e.getMessage());
            return;
        }
        byte[] fingerprint = fingerprint(files);
        if (Arrays.equals(fingerprint, servedFiles)) {
            // The files served are back (after a moment missing, say): nothing is wrong any more.
            refusedFiles = null;
            lastProblem = null;
            return;
        }
        if (Arrays.equals(fingerprint, refusedFiles)) {
            return;
        }
        // Parsed from the same bytes that were fingerprinted: a file rewritten between two reads cannot
        // have its good content remembered as refused.
        TlsKeyStores.Loaded loaded;
        try {
            loaded = TlsKeyStores.load(tls, files);
        } catch (TlsKeyStores.TlsFileException e) {
            refuse(fingerprint, e.getMessage());
            return;
        }
        try {
            factory.reload(f -> use((SslContextFactory.Server) f, loaded));
        } catch (Exception e) {
            // Jetty unloads before it loads the new store: put the one that served back, or nothing would be served.
            try {
                factory.reload(f -> use((SslContextFactory.Server) f, current));
            } catch (Exception again) {
                log.error("http: the public listener could not go back to its previous certificate either: {}", again.toString());
            }
            refuse(fingerprint, "Jetty refused the new certificate: " + e);
            return;
        }
        remember(fingerprint, loaded);
        log.info("http: public listener now serves the renewed certificate ({}, valid until {})",
                loaded.leaf().getSubjectX500Principal().getName(), loaded.leaf().getNotAfter().toInstant());
    }

    /** What status shows: the certificate in use, until when it is valid, and a renewal that could not be used. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("certificate", tls.certificate().toString());
        X509Certificate served = current.leaf();
        out.put("subject", served.getSubjectX500Principal().getName());
        out.put("notAfter", served.getNotAfter().toInstant().toString());
        out.put("loadedAt", loadedAt.toString());
        if (lastProblem != null) {
            out.put("reloadProblem", lastProblem);
        }
        return out;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static void use(SslContextFactory.Server factory, TlsKeyStores.Loaded loaded) {
        factory.setKeyStore(loaded.keyStore());
        factory.setKeyStorePassword(new String(loaded.password()));
        factory.setKeyManagerPassword(new String(loaded.password()));
    }

    private void remember(byte[] fingerprint, TlsKeyStores.Loaded loaded) {
        servedFiles = fingerprint;
        refusedFiles = null;
        current = loaded;
        loadedAt = clock.instant();
        lastProblem = null;
    }

    private void refuse(byte[] fingerprint, String problem) {
        if (!problem.equals(lastProblem)) {
            log.warn("http: the certificate files changed but cannot be served; the public listener keeps the certificate valid"
                    + " until {} and looks again in {} s: {}", current.leaf().getNotAfter().toInstant(), tls.reloadCheck().toSeconds(), problem);
        }
        refusedFiles = fingerprint;
        lastProblem = problem;
    }

    /** The content of both files, hashed: a renewal is seen whatever it does to their times. */
    private static byte[] fingerprint(TlsKeyStores.Files files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(files.certificate());
            digest.update(files.privateKey());
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
