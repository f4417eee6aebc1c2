package com.flowviz.dr.activities.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes a running process has read: what the dump path's pg_restore progress is made of. */
class ProcessReadsTest {

  @TempDir Path dir;

  @Test
  void aProcessThatReadAFileHasReadAtLeastItsSize() throws Exception {
    Path file = dir.resolve("archive");
    byte[] bytes = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(bytes);
    Files.write(file, bytes);
    // awk reads the whole file, then stays alive in system(): its rchar is there to read.
    try (ChildProcess child =
        ChildProcess.start(
            List.of("awk", "END { system(\"sleep 3\") }", file.toString()),
            Map.of(),
            null,
            null,
            true)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      long read = 0;
      while (read < bytes.length && System.nanoTime() < deadline) {
        read = child.bytesRead();
        Thread.sleep(50);
      }
      assertTrue(read >= bytes.length, "read " + read + " of " + bytes.length);
      assertTrue(read < 2L * bytes.length, "the file once, not more: " + read);
      assertEquals(0, child.await(Duration.ofSeconds(10), null));
    }
  }
}
