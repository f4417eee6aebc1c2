package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgDumpHeaderTest {

  @TempDir Path dir;

  @Test
  void readsTheVersionsARealPgDumpRecords() throws Exception {
    String db = TestPostgres.newSampleDatabase("header", 20);
    Path dump = TestPostgres.pgDump(db, dir.resolve("x.dump"));
    PgDumpHeader header;
    try (InputStream in = Files.newInputStream(dump)) {
      header = PgDumpHeader.read(in);
    }
    int localMajor = PgToolVersion.of(PgBinaries.locate(null).program("pg_dump")).major();
    assertEquals(db, header.database());
    assertEquals(localMajor, header.pgDumpMajor().orElseThrow());
    assertEquals(localMajor, header.serverMajor().orElseThrow());
    assertEquals(PgDumpHeader.newestArchiveReadBy(localMajor), header.archiveVersion());
    assertTrue(header.readableBy(localMajor));
  }

  @Test
  void anArchiveFromPostgres17IsNotReadableByPgRestore15() {
    PgDumpHeader pg17 = new PgDumpHeader("1.16", 1, "flowviz", "17.2", "17.2");
    assertFalse(pg17.readableBy(15));
    assertTrue(pg17.readableBy(17));
  }

  @Test
  void aPlainSqlDumpIsNotAnArchive() {
    byte[] sql =
        "--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\n"
            .getBytes(StandardCharsets.UTF_8);
    PgDumpHeader.NotAnArchiveException e =
        assertThrows(
            PgDumpHeader.NotAnArchiveException.class,
            () -> PgDumpHeader.read(new ByteArrayInputStream(sql)));
    assertTrue(e.getMessage().contains("does not start with PGDMP"), e.getMessage());
  }
}
