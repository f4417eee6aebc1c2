package com.flowviz.dr.workflows.procedures;

import io.temporal.common.metadata.POJOWorkflowInterfaceMetadata;

/**
 * One procedure the worker hosts: its workflow interface and implementation, the workflow type name
 * Temporal knows it by, and who starts it.
 *
 * @param typeName the name in the interface's {@code @WorkflowMethod}, read the way the SDK reads
 *     it, so it cannot drift from what the worker registers; running workflows and schedules find
 *     their code by it
 */
public record Procedure(
    String typeName, Class<?> workflowInterface, Class<?> implementation, Kind kind) {

  /** Who starts a procedure, and whether it brings a database back. */
  public enum Kind {
    /**
     * An operator starts it (the starter, the Temporal UI) to bring a database back: the starter's
     * {@code recoveries} lists it.
     */
    RECOVERY,
    /**
     * An operator or a schedule starts it; it brings no database back (backups, checks, drills).
     */
    ROUTINE,
    /** Only another workflow starts it (a child, or one left running on purpose); never by hand. */
    INTERNAL
  }

  static <W> Procedure of(
      Class<W> workflowInterface, Class<? extends W> implementation, Kind kind) {
    String typeName =
        POJOWorkflowInterfaceMetadata.newInstance(workflowInterface)
            .getWorkflowType()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        workflowInterface.getName() + " has no @WorkflowMethod"));
    return new Procedure(typeName, workflowInterface, implementation, kind);
  }

  /** Whether operators start it by hand: the starter and the Temporal UI's start form. */
  public boolean startedByOperators() {
    return kind != Kind.INTERNAL;
  }

  /** Whether the starter's {@code recoveries} lists its runs. */
  public boolean isRecovery() {
    return kind == Kind.RECOVERY;
  }
}
