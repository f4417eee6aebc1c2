package com.flowviz.dr.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StarterCommandTest {

  @Test
  void anUnknownOptionIsAUsageErrorWithExitCodeTwo() {
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "restore",
            "--tagret",
            "flowviz");
    assertEquals(2, exit);
    assertTrue(
        err.toString().contains("Unknown option") && err.toString().contains("--tagret"),
        err.toString());
  }

  @Test
  void helpNamesEveryProcedure() {
    StringWriter out = new StringWriter();
    int exit =
        StarterCommand.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "--help");
    assertEquals(0, exit);
    for (String command : new String[] {"list", "backup", "base-backup", "restore", "status"}) {
      assertTrue(out.toString().contains(command), out.toString());
    }
  }

  @Test
  void anUnreachableTemporalServiceIsReportedNotThrown() {
    StringWriter err = new StringWriter();
    int exit =
        StarterCommand.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "status",
            "--address",
            "127.0.0.1:9",
            "restore-x");
    assertEquals(1, exit);
    assertTrue(
        err.toString().startsWith("flowviz-dr: cannot reach the Temporal service"), err.toString());
  }

  @Test
  void durationsReadLikeAnOperatorWouldSayThem() {
    assertEquals("2.5s", Output.duration(Duration.ofMillis(2500)));
    assertEquals("3m 07s", Output.duration(Duration.ofSeconds(187)));
    assertEquals("2h 00m", Output.duration(Duration.ofHours(2)));
    assertEquals("1d 00h", Output.duration(Duration.ofHours(24)));
    assertEquals("1.5 MiB", Output.bytes(1536 * 1024));
  }
}
