package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The backup_manifest's per-file checksums, as PostgreSQL 15 writes them. */
class PgManifestChecksumsTest {

  @Test
  void
      sha256AndCrc32cFilesAreTakenEncodedPathsDecodedAndAnyOtherAlgorithmLeavesItAllToPgVerifybackup()
          throws Exception {
    String sha = "ab".repeat(32);
    String encoded = HexFormat.of().formatHex("base/1/\u00e9".getBytes(StandardCharsets.UTF_8));
    String manifest =
        "{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n"
            + "\"Files\": [\n"
            + "{ \"Path\": \"PG_VERSION\", \"Size\": 3, \"Last-Modified\": \"2026-12-03 14:35:28"
            + " GMT\", \"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \""
            + sha
            + "\" },\n"
            + "{ \"Encoded-Path\": \""
            + encoded
            + "\", \"Size\": 0, \"Last-Modified\": \"2026-12-03 14:35:28 GMT\","
            + " \"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \""
            + sha
            + "\" } ],\n\"WAL-Ranges\": [] }";
    PgManifestChecksums checks =
        PgManifestChecksums.parse(manifest.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertEquals(2, checks.size());
    assertEquals(3, checks.of("PG_VERSION").orElseThrow().size());
    assertArrayEquals(
        HexFormat.of().parseHex(sha), checks.of("base/1/\u00e9").orElseThrow().checksum());
    assertEquals("SHA-256", checks.of("PG_VERSION").orElseThrow().digest().getAlgorithm());
    assertTrue(checks.of("global/pg_control").isEmpty(), "a file the manifest does not list");

    String crc = manifest.replaceFirst("SHA256", "CRC32C");
    assertEquals(
        "CRC32C",
        PgManifestChecksums.parse(crc.getBytes(StandardCharsets.UTF_8))
            .orElseThrow()
            .of("PG_VERSION")
            .orElseThrow()
            .digest()
            .getAlgorithm());
    String md5 = manifest.replaceFirst("SHA256", "MD5");
    assertTrue(
        PgManifestChecksums.parse(md5.getBytes(StandardCharsets.UTF_8)).isEmpty(),
        "an algorithm not taken: pg_verifybackup checks every file itself");
  }

  /**
   * The CRC-32C check value (of "123456789", 0xE3069283) as PostgreSQL writes it into a manifest on
   * a little-endian server, and the big-endian order accepted too; any other bytes are not.
   */
  @Test
  void crc32cMatchesPostgresqlsBytesInEitherOrderAndNothingElse() {
    MessageDigest crc = new PgCrc32cDigest();
    byte[] actual = crc.digest("123456789".getBytes(StandardCharsets.US_ASCII));
    assertEquals("839206e3", HexFormat.of().formatHex(actual));
    PgManifestChecksums.Expected little =
        new PgManifestChecksums.Expected("f", 9, "CRC32C", HexFormat.of().parseHex("839206e3"));
    PgManifestChecksums.Expected big =
        new PgManifestChecksums.Expected("f", 9, "CRC32C", HexFormat.of().parseHex("e3069283"));
    PgManifestChecksums.Expected other =
        new PgManifestChecksums.Expected("f", 9, "CRC32C", HexFormat.of().parseHex("839206e4"));
    assertTrue(little.matches(actual));
    assertTrue(big.matches(actual));
    assertFalse(other.matches(actual));
    assertFalse(
        new PgManifestChecksums.Expected("f", 9, "SHA256", HexFormat.of().parseHex("e3069283"))
            .matches(actual),
        "only a CRC is taken reversed");
  }
}
