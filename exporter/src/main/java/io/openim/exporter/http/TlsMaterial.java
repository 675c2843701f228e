package io.openim.exporter.http;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The server's certificate chain, key and the client CAs of a web config, read from PEM (PKCS#8, PKCS#1 and SEC1
 * keys, as Go's tls.X509KeyPair accepts). {@link ReloadingTls} re-reads them when the files change.
 */
record TlsMaterial(X509ExtendedKeyManager keys, X509ExtendedTrustManager clients) {
    private static final Set<String> JVM_SUITES;

    static {
        try {
            JVM_SUITES = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static TlsMaterial read(WebConfig config) throws IOException, GeneralSecurityException {
        WebConfig.Tls tls = config.tls();
        List<X509Certificate> chain = certificates(pem(config, tls.cert(), tls.certFile(), "cert_file"), "cert_file");
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("cert_file: no certificate in " + tls.certFile());
        }
        PrivateKey key = key(pem(config, tls.key(), tls.keyFile(), "key_file"));
        if (!belongTogether(chain.get(0), key)) {
            throw new GeneralSecurityException("key_file: the private key does not match the certificate's public key");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("NewSunX509");
        kmf.init(ks, new char[0]);
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];

        X509ExtendedTrustManager clients = null;
        if (tls.clientCa() != null || tls.clientCaFile() != null) {
            List<X509Certificate> cas = certificates(pem(config, tls.clientCa(), tls.clientCaFile(), "client_ca_file"), "client_ca_file");
            if (cas.isEmpty()) {
                throw new GeneralSecurityException("client_ca_file: no certificate in " + tls.clientCaFile());
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            clients = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        }
        return new TlsMaterial(keys, clients);
    }

    /** Whether {@code key} signs what the certificate's public key verifies (Go's X509KeyPair makes the same check). */
    private static boolean belongTogether(X509Certificate cert, PrivateKey key) throws GeneralSecurityException {
        if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();  // Ed25519, Ed448
        };
        byte[] probe = "openim-exporter".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(probe);
        byte[] signature = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(probe);
        return s.verify(signature);
    }

    /** The files whose change means re-reading: their path, size and modification time. */
    static List<Object> stamp(WebConfig config) {
        WebConfig.Tls tls = config.tls();
        List<Object> out = new ArrayList<>(List.of(config.dir().toString()));
        for (String f : Arrays.asList(tls.certFile(), tls.keyFile(), tls.clientCaFile())) {
            if (f != null) {
                Path p = config.resolve(f);
                try {
                    out.add(List.of(p.toString(), Files.size(p), Files.getLastModifiedTime(p).toMillis()));
                } catch (IOException e) {
                    out.add(p + " unreadable");
                }
            }
        }
        out.addAll(Arrays.asList(tls.cert(), tls.key(), tls.clientCa()));
        return out;
    }

    /** Go's cipher suite names are IANA's; Go drops the _SHA256 of the ChaCha20 suites. Null when the JVM has none. */
    static String javaCipherSuite(String goName) {
        if (JVM_SUITES.contains(goName)) {
            return goName;
        }
        return JVM_SUITES.contains(goName + "_SHA256") ? goName + "_SHA256" : null;
    }

    private static String pem(WebConfig config, String inline, String file, String key) throws IOException {
        if (inline != null) {
            return inline;
        }
        Path p = config.resolve(file);
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IOException(key + ": cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static List<X509Certificate> certificates(String pem, String key) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = next(parser, key); o != null; o = next(parser, key)) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(converter.getCertificate(h));
                }
            }
        }
        return out;
    }

    private static PrivateKey key(String pem) throws IOException, GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = new StringReader(pem); PEMParser parser = new PEMParser(r)) {
            for (Object o = next(parser, "key_file"); o != null; o = next(parser, "key_file")) {
                PrivateKeyInfo info = o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : o instanceof PrivateKeyInfo i ? i : null;
                if (info != null) {
                    try {
                        return converter.getPrivateKey(info);
                    } catch (IOException | RuntimeException e) {
                        throw new GeneralSecurityException("key_file: unusable private key (" + e.getMessage() + ")");
                    }
                }
            }
        }
        throw new GeneralSecurityException("key_file: no unencrypted PEM private key found");
    }

    private static Object next(PEMParser parser, String key) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(key + ": not valid PEM (" + e.getMessage() + ")");
        }
    }
}
