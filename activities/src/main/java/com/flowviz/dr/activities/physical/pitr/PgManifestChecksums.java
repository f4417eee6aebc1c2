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
 * second read of every byte). CRC32C (what flowviz-dr's base backups record, the server's default)
 * and the SHA-2 algorithms (what they recorded before) are taken; a manifest with any other, or
 * none, is left to pg_verifybackup whole.
 *
 * <p>A CRC is enough here because it is not what proves the backup unaltered: the object's SHA-256
 * against the signed flowviz-dr manifest and OpenPGP's integrity check are compared when the stream
 * ends, before the server is started, and this backup_manifest is the one whose SHA-256 that signed
 * manifest records. The per-file check names the damaged file as soon as it passes and replaces
 * pg_verifybackup's read-back; measured on a 1.66 GB cluster, SHA-256 cost the server's walsender
 * 1.1 s more CPU during the backup than CRC32C, and the restore's writers 1.1 s.
 */
final class PgManifestChecksums {

  /** One file's expected size and checksum. */
  record Expected(String path, long size, String algorithm, byte[] checksum) {

    /** A fresh digest of this file's algorithm. */
    MessageDigest digest() {
      if (algorithm.equals(CRC32C)) {
        return new PgCrc32cDigest();
      }
      try {
        return MessageDigest.getInstance(javaName(algorithm));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Whether a digest of the file's bytes is the recorded one. A CRC32C is taken in either byte
     * order: a big-endian server writes it most significant byte first.
     */
    boolean matches(byte[] actual) {
      if (MessageDigest.isEqual(actual, checksum)) {
        return true;
      }
      if (!algorithm.equals(CRC32C) || actual.length != checksum.length) {
        return false;
      }
      for (int i = 0; i < actual.length; i++) {
        if (actual[i] != checksum[checksum.length - 1 - i]) {
          return false;
        }
      }
      return true;
    }
  }

  static final String CRC32C = "CRC32C";

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
      case CRC32C -> CRC32C;
      case "SHA224" -> "SHA-224";
      case "SHA256" -> "SHA-256";
      case "SHA384" -> "SHA-384";
      case "SHA512" -> "SHA-512";
      default -> null;
    };
  }
}
