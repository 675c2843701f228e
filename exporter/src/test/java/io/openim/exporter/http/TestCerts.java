package io.openim.exporter.http;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Real X.509 material for TLS tests, made with BouncyCastle: a CA and the leaf certificates it signs (EC P-256). */
final class TestCerts {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    record Issued(X509Certificate cert, KeyPair keys) {
        /** Writes {@code name}.crt and {@code name}.key (PKCS#8 PEM) into {@code dir}. */
        void write(Path dir, String name) throws Exception {
            Files.writeString(dir.resolve(name + ".crt"), pem(cert));
            Files.writeString(dir.resolve(name + ".key"), pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
        }
    }

    private TestCerts() {
    }

    static Issued ca(String cn) throws Exception {
        KeyPair keys = keys();
        X500Name name = new X500Name("CN=" + cn);
        JcaX509v3CertificateBuilder b = builder(name, name, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(sign(b, keys), keys);
    }

    /** A leaf for 127.0.0.1 and localhost, signed by {@code ca}. */
    static Issued leaf(Issued ca, String cn) throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder b = builder(new X500Name(ca.cert().getSubjectX500Principal().getName()), new X500Name("CN=" + cn), keys);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, cn)}));
        return new Issued(sign(b, ca.keys()), keys);
    }

    /** A client context trusting {@code ca}, presenting {@code client} when not null. */
    static SSLContext client(Issued ca, Issued client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (client != null) {
            ks.setKeyEntry("client", client.keys().getPrivate(), new char[0], new X509Certificate[]{client.cert()});
        }
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
