package com.alignersync.http;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for tests, made with the JDK's own keytool (no openssl needed on the
 * machine), and the PEM files a clinic would be given for them.
 */
public final class TestCertificates {

    public static final String PASSWORD = "test-store-password";

    private TestCertificates() {
    }

    /** A PKCS#12 file holding a fresh key and a self-signed certificate for localhost and 127.0.0.1. */
    public static Path pkcs12(Path dir, String commonName, String keyAlgorithm) throws Exception {
        Path file = dir.resolve(commonName + ".p12");
        Files.deleteIfExists(file);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", keyAlgorithm,
                "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048", "-dname", "CN=" + commonName,
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "30", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return file;
    }

    public static KeyStore load(Path pkcs12) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    public static X509Certificate certificate(Path pkcs12) throws Exception {
        return (X509Certificate) load(pkcs12).getCertificate("server");
    }

    /** The certificate as PEM, as fullchain.pem holds it. */
    public static String certificatePem(Path pkcs12) throws Exception {
        return pem("CERTIFICATE", certificate(pkcs12).getEncoded());
    }

    /** The key as PKCS#8 PEM ("BEGIN PRIVATE KEY"), as Let's Encrypt's privkey.pem holds it. */
    public static String keyPem(Path pkcs12) throws Exception {
        return pem("PRIVATE KEY", privateKey(pkcs12).getEncoded());
    }

    /** An RSA key as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), as older tools write it: the PKCS#8 wrapper taken off. */
    public static String rsaPkcs1Pem(Path pkcs12) throws Exception {
        byte[] pkcs8 = privateKey(pkcs12).getEncoded();
        // PKCS#8: SEQUENCE { INTEGER 0, SEQUENCE algorithm, OCTET STRING pkcs1 }; read past the first two.
        int[] at = {0};
        header(pkcs8, at); // outer SEQUENCE
        skip(pkcs8, at); // version
        skip(pkcs8, at); // algorithm
        int length = header(pkcs8, at); // OCTET STRING
        return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, at[0], at[0] + length));
    }

    /**
     * A client that trusts these stores' certificates only and checks the host name, as pg_net
     * does; a new one per request makes every request a new handshake.
     */
    public static java.net.http.HttpClient clientTrusting(Path... stores) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (Path store : stores) {
            trusted.setCertificateEntry(store.getFileName().toString(), certificate(store));
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return java.net.http.HttpClient.newBuilder().sslContext(context).connectTimeout(java.time.Duration.ofSeconds(5)).build();
    }

    public static PrivateKey privateKey(Path pkcs12) throws Exception {
        return (PrivateKey) load(pkcs12).getKey("server", PASSWORD.toCharArray());
    }

    private static int header(byte[] der, int[] at) {
        at[0]++; // tag
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }

    private static void skip(byte[] der, int[] at) {
        int length = header(der, at);
        at[0] += length;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
