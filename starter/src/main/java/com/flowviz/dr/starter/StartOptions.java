package com.flowviz.dr.starter;

import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * {@code --workflow-id} and {@code --no-follow}: how every command that starts a procedure names
 * the run and whether it waits for the end.
 */
class StartOptions {
  @Option(
      names = "--workflow-id",
      description = "default: the procedure and what it acts on, then the UTC time")
  String workflowId;

  @Option(names = "--no-follow", description = "start and return; follow later with `status`")
  boolean noFollow;

  /** The id given, or {@code <prefix>-<UTC time>}. */
  String workflowId(String prefix) {
    return workflowId != null ? workflowId : prefix + "-" + Ids.stamp(Instant.now());
  }
}
