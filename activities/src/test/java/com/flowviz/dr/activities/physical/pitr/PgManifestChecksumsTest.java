package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The backup_manifest's per-file checksums, as PostgreSQL 15 writes them. */
class PgManifestChecksumsTest {

  @Test
  void sha256FilesAreTakenEncodedPathsDecodedAndAnyOtherAlgorithmLeavesItAllToPgVerifybackup()
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
    assertTrue(
        PgManifestChecksums.parse(crc.getBytes(StandardCharsets.UTF_8)).isEmpty(),
        "CRC32C (the server's default): pg_verifybackup checks every file itself");
  }
}
