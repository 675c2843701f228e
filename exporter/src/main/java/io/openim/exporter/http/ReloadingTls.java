package io.openim.exporter.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One SSLContext for the server's life whose key and trust managers look at the current web config on every
 * handshake: when its certificate, key or client CA files change (size or modification time) or a reload names
 * other files, they are read again, as exporter-toolkit does. A file that no longer parses (say, half-written
 * during a rotation) is logged once and the last good material stays in use.
 */
final class ReloadingTls {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);

    private final Supplier<WebConfig> config;
    private volatile List<Object> stamp;
    private volatile TlsMaterial material;
    private volatile String lastError = "";

    ReloadingTls(Supplier<WebConfig> config) throws GeneralSecurityException {
        this.config = config;
        current();
        if (material == null) {
            throw new GeneralSecurityException("TLS: " + lastError);
        }
    }

    SSLContext context() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new X509ExtendedKeyManager[]{new Keys()}, new X509ExtendedTrustManager[]{new Clients()}, null);
        return ctx;
    }

    /** Protocols, suites and client-auth policy of the current web config, for one new connection. */
    SSLParameters parameters(SSLParameters defaults) {
        WebConfig.Tls tls = config.get().tls();
        List<String> protocols = new ArrayList<>();
        WebConfig.TLS_VERSIONS.forEach((name, java) -> {
            if (name.compareTo(tls.minVersion()) >= 0 && name.compareTo(tls.maxVersion()) <= 0) {
                protocols.add(java);
            }
        });
        defaults.setProtocols(protocols.stream().sorted().toArray(String[]::new));
        if (!tls.cipherSuites().isEmpty()) {
            List<String> suites = new ArrayList<>(tls.cipherSuites().stream().map(TlsMaterial::javaCipherSuite).toList());
            // cipher_suites covers TLS 1.2 and below, as in Go: TLS 1.3's suites stay on
            for (String s : defaults.getCipherSuites()) {
                if (s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")) {
                    suites.add(s);
                }
            }
            defaults.setCipherSuites(suites.toArray(String[]::new));
        }
        defaults.setUseCipherSuitesOrder(tls.preferServerCipherSuites());
        switch (tls.clientAuthType()) {
            case "RequestClientCert", "VerifyClientCertIfGiven" -> defaults.setWantClientAuth(true);
            case "RequireAnyClientCert", "RequireAndVerifyClientCert" -> defaults.setNeedClientAuth(true);
            default -> defaults.setWantClientAuth(false);
        }
        return defaults;
    }

    private TlsMaterial current() {
        WebConfig c = config.get();
        List<Object> now = TlsMaterial.stamp(c);
        if (!now.equals(stamp)) {
            synchronized (this) {
                if (!now.equals(stamp)) {
                    try {
                        material = TlsMaterial.read(c);
                        if (stamp != null) {
                            log.info("TLS certificate, key or client CA re-read");
                        }
                        lastError = "";
                    } catch (Exception e) {
                        String error = String.valueOf(e.getMessage());
                        if (!error.equals(lastError)) {
                            log.warn("TLS material not re-read, keeping the last good one: {}", error);
                        }
                        lastError = error;
                    }
                    stamp = now;
                }
            }
        }
        return material;
    }

    private final class Keys extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current().keys().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current().keys().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current().keys().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return material.keys().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return material.keys().getPrivateKey(alias);
        }
    }

    /** Client certificates: checked against client_ca for the Verify… policies, accepted as they are otherwise (as Go does). */
    private final class Clients extends X509ExtendedTrustManager {
        private X509ExtendedTrustManager verifier() {
            return config.get().tls().verifiesClients() ? current().clients() : null;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            X509ExtendedTrustManager v = verifier();
            if (v != null) {
                v.checkClientTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            X509ExtendedTrustManager v = verifier();
            if (v != null) {
                v.checkClientTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            X509ExtendedTrustManager v = verifier();
            if (v != null) {
                v.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509ExtendedTrustManager v = verifier();
            return v == null ? new X509Certificate[0] : v.getAcceptedIssuers();
        }
    }
}
