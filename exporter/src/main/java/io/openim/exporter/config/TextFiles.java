package io.openim.exporter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the small text files the exporter is configured with, bounded, so that {@code /dev/zero} or a 50 MB file
 * given by mistake is a one-line config error instead of an OutOfMemoryError.
 */
public final class TextFiles {
    /** OpenIM's largest config file is a few KB; an exporter config is smaller still. */
    public static final int MAX_CONFIG_BYTES = 1 << 20;
    /** A password, key password or token. */
    public static final int MAX_SECRET_BYTES = 64 << 10;

    private TextFiles() {
    }

    /** The file as UTF-8 text; {@code what} starts every error ({@code --config}, {@code seq.redis.passwordFile}). */
    public static String read(Path file, int maxBytes, String what) throws ConfigException {
        if (Files.isDirectory(file)) {
            throw ConfigException.at(what, file + " is a directory, not a file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (NoSuchFileException e) {
            throw ConfigException.at(what, "cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw ConfigException.at(what, "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            // Java puts only the path in many of these messages: say the kind of failure instead
            String why = e.getMessage() == null || e.getMessage().equals(file.toString())
                    ? e.getClass().getSimpleName() : e.getMessage();
            throw ConfigException.at(what, "cannot read " + file + ": " + why);
        }
        if (bytes.length > maxBytes) {
            throw ConfigException.at(what, file + " is larger than " + size(maxBytes));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.at(what, file + " is not UTF-8 text");
        }
    }

    private static String size(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
