package com.flowviz.dr.workflows;

/** Task queue names, shared by the worker, the starter and the workflows. */
public final class TaskQueues {

  /** Every worker polls this queue: workflows and activities that can run on any host. */
  public static final String DR = "flowviz-dr";

  private static final String HOST_PREFIX = "flowviz-dr-host-";

  private TaskQueues() {}

  /**
   * The queue of one host. Activities that read or write the work files of a restore (download,
   * decrypt, pg_restore, discard) must run where those files are, so the workflow pins them to the
   * host that claimed the restore. A worker restarted on the same host polls the same queue and
   * finds its files again.
   */
  public static String forHost(String hostName) {
    return HOST_PREFIX + hostName;
  }
}
