package com.flowviz.dr.activities.physical.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The per-file checksums of PostgreSQL's {@code backup_manifest}, to check each file as its bytes
 * stream by instead of reading the restored directory back (pg_verifybackup's checksum pass, a
 * second read of every byte). Only the SHA-2 algorithms are taken: what flowviz-dr's base backups
 * record ({@code --manifest-checksums=SHA256}); a manifest with any other algorithm (CRC32C, the
 * server's default) is left to pg_verifybackup whole.
 */
final class PgManifestChecksums {

  /** One file's expected size and checksum. */
  record Expected(String path, long size, String algorithm, byte[] checksum) {

    /** A fresh digest of this file's algorithm. */
    MessageDigest digest() {
      try {
        return MessageDigest.getInstance(javaName(algorithm));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final Map<String, Expected> files;

  private PgManifestChecksums(Map<String, Expected> files) {
    this.files = files;
  }

  /**
   * @return the checksums, or empty when some file's algorithm is not SHA-2 (then pg_verifybackup
   *     checks every file itself)
   */
  static Optional<PgManifestChecksums> parse(byte[] manifest) throws IOException {
    JsonNode list = Json.MAPPER.readTree(manifest).path("Files");
    if (!list.isArray()) {
      throw new IOException("the base backup's backup_manifest lists no Files");
    }
    Map<String, Expected> files = new HashMap<>();
    for (JsonNode file : list) {
      String algorithm = file.path("Checksum-Algorithm").asText("NONE");
      if (javaName(algorithm) == null) {
        return Optional.empty();
      }
      String path =
          file.has("Encoded-Path")
              ? new String(
                  HexFormat.of().parseHex(file.path("Encoded-Path").asText()),
                  StandardCharsets.UTF_8)
              : file.path("Path").asText();
      files.put(
          path,
          new Expected(
              path,
              file.path("Size").asLong(),
              algorithm,
              HexFormat.of().parseHex(file.path("Checksum").asText())));
    }
    return Optional.of(new PgManifestChecksums(files));
  }

  /** The file's expectation, or empty for a member the manifest does not list. */
  Optional<Expected> of(String path) {
    return Optional.ofNullable(files.get(path));
  }

  /** These and one more file's expectation. */
  PgManifestChecksums with(String path, String algorithm, byte[] checksum) {
    Map<String, Expected> more = new HashMap<>(files);
    more.put(path, new Expected(path, -1, algorithm, checksum));
    return new PgManifestChecksums(more);
  }

  int size() {
    return files.size();
  }

  private static String javaName(String algorithm) {
    return switch (algorithm) {
      case "SHA224" -> "SHA-224";
      case "SHA256" -> "SHA-256";
      case "SHA384" -> "SHA-384";
      case "SHA512" -> "SHA-512";
      default -> null;
    };
  }
}
