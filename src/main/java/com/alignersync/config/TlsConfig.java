package com.alignersync.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The public listener's certificate: a PEM chain with its PEM key, or one PKCS#12 file. The
 * files are named, not loaded, here: they are read at start and again whenever they change.
 *
 * @param privateKey  the PEM key; empty for a PKCS#12 certificate, which holds its key
 * @param reloadCheck how often the files are looked at for a renewal
 */
public record TlsConfig(Path certificate, Optional<Path> privateKey, String keyStorePassword, Duration reloadCheck) {

    public TlsConfig {
        keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
    }

    public boolean pkcs12() {
        return privateKey.isEmpty();
    }

    /** Empty when http.tls.certificate is unset; problems (a missing file, a PEM without its key) go to {@code reader}. */
    static Optional<TlsConfig> from(ConfigReader reader) {
        String certificate = blankToNull(reader.string(ConfigKeys.HTTP_TLS_CERTIFICATE));
        String key = blankToNull(reader.string(ConfigKeys.HTTP_TLS_PRIVATE_KEY));
        int reloadSeconds = reader.intInRange(ConfigKeys.HTTP_TLS_RELOAD_CHECK_SECONDS, 1, 86_400);
        if (certificate == null) {
            if (key != null) {
                reader.problem(ConfigKeys.HTTP_TLS_PRIVATE_KEY.label() + " is set but " + ConfigKeys.HTTP_TLS_CERTIFICATE.label()
                        + " is not: set the certificate (the PEM chain that goes with the key) too");
            }
            return Optional.empty();
        }
        Path certificatePath = Path.of(certificate);
        readable(reader, ConfigKeys.HTTP_TLS_CERTIFICATE.label(), certificatePath);
        String lower = certificate.toLowerCase(Locale.ROOT);
        boolean pkcs12Name = lower.endsWith(".p12") || lower.endsWith(".pfx");
        if (key == null && !pkcs12Name) {
            reader.problem(ConfigKeys.HTTP_TLS_CERTIFICATE.label() + " is '" + certificate + "', a PEM certificate without its key:"
                    + " set " + ConfigKeys.HTTP_TLS_PRIVATE_KEY.label() + " to its PEM private key (privkey.pem), or give a PKCS#12"
                    + " file ending in .p12 or .pfx");
        }
        if (key != null && pkcs12Name) {
            reader.problem(ConfigKeys.HTTP_TLS_PRIVATE_KEY.label() + " is set, but " + ConfigKeys.HTTP_TLS_CERTIFICATE.label()
                    + " is a PKCS#12 file, which holds its own key: unset the private key, or give the PEM certificate chain");
        }
        Optional<Path> keyPath = Optional.ofNullable(key).map(Path::of);
        keyPath.ifPresent(path -> readable(reader, ConfigKeys.HTTP_TLS_PRIVATE_KEY.label(), path));
        return Optional.of(new TlsConfig(certificatePath, keyPath, reader.string(ConfigKeys.HTTP_TLS_KEY_STORE_PASSWORD),
                Duration.ofSeconds(reloadSeconds)));
    }

    private static void readable(ConfigReader reader, String label, Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            reader.problem(label + " is '" + path + "': no readable file there (the daemon's user must be able to read it)");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
