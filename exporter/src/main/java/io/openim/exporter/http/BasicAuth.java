package io.openim.exporter.http;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code basic_auth_users}: bcrypt hashes ($2y$ from htpasswd, $2b$, $2a$), checked with BouncyCastle's OpenBSDBCrypt.
 * An unknown user costs one bcrypt against a fixed hash of the same cost, so timing does not tell which users exist.
 * Successes are cached by a digest of user, hash and password (bcrypt at cost 10 takes ~70 ms a request otherwise,
 * the reason exporter-toolkit caches too); a changed hash or password misses the cache.
 */
final class BasicAuth {
    private static final int CACHE_LIMIT = 1024;

    /**
     * A hash of a random password nobody knows, at htpasswd's default cost: made on the first unknown user (a
     * holder class), not at start, where its bcrypt cost some 100 ms of CPU to every exporter, auth or not.
     */
    private static final class Fixed {
        static final String HASH;

        static {
            byte[] salt = new byte[16];
            byte[] secret = new byte[24];
            SecureRandom random = new SecureRandom();
            random.nextBytes(salt);
            random.nextBytes(secret);
            HASH = OpenBSDBCrypt.generate("2y", HexFormat.of().formatHex(secret).toCharArray(), salt, 10);
        }
    }

    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();

    /** Whether the Authorization header names a configured user with the right password. */
    boolean allows(Map<String, String> users, String authorization) {
        String[] credentials = credentials(authorization);
        if (credentials == null) {
            return false;
        }
        String hash = users.get(credentials[0]);
        boolean known = hash != null;
        String against = known ? hash : Fixed.HASH;
        String key = digest(credentials[0], against, credentials[1]);
        if (known && verified.containsKey(key)) {
            return true;
        }
        boolean ok;
        try {
            ok = OpenBSDBCrypt.checkPassword(against, credentials[1].getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (ok && known) {
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
            verified.put(key, true);
        }
        return ok && known;
    }

    /** user and password of a Basic header, or null. */
    private static String[] credentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[]{decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static String digest(String user, String hash, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String s : new String[]{user, hash, password}) {
                sha.update(s.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
