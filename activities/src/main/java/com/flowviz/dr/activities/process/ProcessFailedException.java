package com.flowviz.dr.activities.process;

/** A child process that exited non-zero, with the tail of what it printed on stderr. */
public class ProcessFailedException extends RuntimeException {
  private final int exitCode;
  private final String stderrTail;

  public ProcessFailedException(String program, int exitCode, String stderrTail) {
    super(
        program
            + " exited with code "
            + exitCode
            + (stderrTail.isBlank() ? "" : ": " + stderrTail));
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderrTail() {
    return stderrTail;
  }
}
