package com.alignersync.http;

import com.alignersync.config.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the public listener's certificate files into a key store Jetty can serve: a PEM chain
 * and key as Let's Encrypt and most clinics' CAs hand them out, or a PKCS#12 file as Windows
 * exports it. A pair that does not belong together is refused here, at load, rather than
 * failing every handshake later.
 */
final class TlsKeyStores {

    /** The password of the in-memory store a PEM pair is put into; never on disk. */
    static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    // DER prefix that wraps a PKCS#1 RSA key (RFC 8017) into PKCS#8 (RFC 5208), so Java can read it.
    private static final byte[] RSA_ALGORITHM_ID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00};

    /** A loaded store with the password its key is protected by, and the leaf certificate for status. */
    record Loaded(KeyStore keyStore, char[] password, X509Certificate leaf) {
    }

    private TlsKeyStores() {
    }

    /** The bytes of the certificate file and of the key file (empty for PKCS#12), read once. */
    record Files(byte[] certificate, byte[] privateKey) {
    }

    /** @throws TlsFileException naming the file that cannot be read */
    static Files read(TlsConfig tls) {
        return new Files(bytes(tls.certificate()), tls.privateKey().map(TlsKeyStores::bytes).orElse(new byte[0]));
    }

    /** @throws TlsFileException naming the file and what is wrong with it */
    static Loaded load(TlsConfig tls) {
        return load(tls, read(tls));
    }

    /** Parses what {@link #read} returned. @throws TlsFileException naming the file and what is wrong with it */
    static Loaded load(TlsConfig tls, Files files) {
        return tls.pkcs12() ? pkcs12(tls, files.certificate()) : pem(tls, files);
    }

    private static byte[] bytes(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsFileException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Loaded pkcs12(TlsConfig tls, byte[] file) {
        char[] password = tls.keyStorePassword().toCharArray();
        try (InputStream in = new ByteArrayInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate leaf) {
                    store.getKey(alias, password);
                    return new Loaded(store, password, leaf);
                }
            }
            throw new TlsFileException(tls.certificate() + " holds no private key with a certificate: export the certificate"
                    + " with its private key (PKCS#12, .p12/.pfx)");
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException(tls.certificate() + " cannot be read as PKCS#12 (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); a wrong http.tls.key-store-password reads this way too", e);
        }
    }

    private static Loaded pem(TlsConfig tls, Files files) {
        List<X509Certificate> chain = certificates(tls, files.certificate());
        PrivateKey key = privateKey(tls, files.privateKey());
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new TlsFileException(tls.privateKey().orElseThrow() + " is not the key of the first certificate in "
                    + tls.certificate() + ": the chain must start with this key's certificate (Let's Encrypt: fullchain.pem with privkey.pem"
                    + " of the same renewal)");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("public-listener", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
            return new Loaded(store, IN_MEMORY_PASSWORD, chain.get(0));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException("the certificate and key cannot be put together: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(TlsConfig tls, byte[] file) {
        try (InputStream in = new ByteArrayInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new TlsFileException(tls.certificate() + " holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)");
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException(tls.certificate() + " cannot be read as PEM certificates (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static PrivateKey privateKey(TlsConfig tls, byte[] bytes) {
        java.nio.file.Path file = tls.privateKey().orElseThrow();
        String text = new String(bytes, StandardCharsets.US_ASCII);
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            String type = pem.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(pem.group(2).trim());
            } catch (IllegalArgumentException e) {
                throw new TlsFileException(file + ": the " + type + " block is not base64", e);
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, der);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, wrapRsa(der));
                }
                case "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY" -> throw new TlsFileException(file + " holds an " + type
                        + ", which is not read here: convert it once with 'openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                        + " -out key.pem' and keep the result readable only by the daemon's user");
                default -> {
                    // another block (parameters, a certificate): look further
                }
            }
        }
        throw new TlsFileException(file + " holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(java.nio.file.Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new TlsFileException(file + " holds a private key of an algorithm not read here (RSA, EC, Ed25519 are)");
    }

    /** PKCS#8 = SEQUENCE { INTEGER 0, AlgorithmIdentifier rsaEncryption, OCTET STRING pkcs1 }. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = concat(new byte[]{0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(version, RSA_ALGORITHM_ID, octets);
        return concat(new byte[]{0x30}, length(body.length), body);
    }

    private static byte[] length(int length) {
        if (length < 0x80) {
            return new byte[]{(byte) length};
        }
        if (length < 0x100) {
            return new byte[]{(byte) 0x81, (byte) length};
        }
        if (length < 0x10000) {
            return new byte[]{(byte) 0x82, (byte) (length >> 8), (byte) length};
        }
        return new byte[]{(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** A signature made with the key verifies with the certificate's public key: they are a pair. */
    private static boolean matches(PrivateKey key, PublicKey certificateKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "aligner-sync".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificateKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A certificate file that cannot be served; the message names the file and the fix. */
    static final class TlsFileException extends RuntimeException {
        TlsFileException(String message) {
            super(message);
        }

        TlsFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
