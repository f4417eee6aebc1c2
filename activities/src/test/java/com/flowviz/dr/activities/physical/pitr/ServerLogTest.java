package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server log as one recovery attempt reads it. */
class ServerLogTest {

  @TempDir Path dir;

  @Test
  void anEarlierAttemptsFatalIsNotThisOnesAndRestoredSegmentsAreCountedOnce() throws Exception {
    Path file = dir.resolve("server.log");
    Files.writeString(
        file,
        "LOG:  restored log file \"000000010000000000000002\" from archive\n"
            + "FATAL:  could not open file \"base/1/1259\": No such file or directory\n");
    ServerLog attempt = new ServerLog(file);
    assertEquals(Optional.empty(), attempt.lastFatal(), "the FATAL line is an earlier attempt's");

    Files.writeString(
        file,
        "LOG:  restored log file \"000000010000000000000002\" from archive\n"
            + "LOG:  restored log file \"000000010000000000000003\" from archive\n"
            + "LOG:  restored log file \"00000002.history\" from archive\n"
            + "FATAL:  recovery ended before configured recovery target was reached\n",
        StandardOpenOption.APPEND);
    assertEquals(
        Optional.of("recovery ended before configured recovery target was reached"),
        attempt.lastFatal());
    assertEquals(2, attempt.restoredSegments(), "segments, each once; history files are not");
  }
}
