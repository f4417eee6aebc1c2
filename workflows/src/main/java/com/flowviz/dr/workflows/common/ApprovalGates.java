package com.flowviz.dr.workflows.common;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The gates of a workflow where a person approves or rejects the next irreversible step (swap,
 * repoint, DNS switch), and the decisions that arrived for them. A decision may arrive before its
 * gate is reached and applies when it is; until then a later decision replaces an earlier one (as
 * the failover's gates always did, so its running workflows replay). A gate that hears nothing
 * within its timeout counts as rejected; a gate already passed takes no more decisions.
 */
public final class ApprovalGates {

  private final List<String> gates;
  private final List<Decision> decisions = new ArrayList<>();
  private final Set<String> passed = new HashSet<>();
  private String pendingGate;
  private String question;

  public ApprovalGates(String... gates) {
    this.gates = List.of(gates);
  }

  /** Waits for a decision at the gate; null when the timeout passes first. */
  public Decision await(String gate, Duration timeout, String question) {
    pendingGate = gate;
    this.question = question;
    Workflow.setCurrentDetails("Waiting for a decision at the " + gate + " gate: " + question);
    try {
      Workflow.await(timeout, () -> decisionFor(gate) != null);
      return decisionFor(gate);
    } finally {
      passed.add(gate);
      pendingGate = null;
      this.question = null;
      Workflow.setCurrentDetails("");
    }
  }

  /**
   * Takes a person's answer at the repoint gate and says what it does: now, when the gate is
   * waiting; when {@code procedure} reaches it, otherwise.
   */
  public String answerRepoint(Decision decision, String procedure) {
    Decision recorded = offer(decision);
    return (recorded.approve() ? "Approved" : "Rejected")
        + " repoint by "
        + recorded.by()
        + (waitingAt(Decision.REPOINT)
            ? "; "
                + (recorded.approve()
                    ? "repointing the application now."
                    : "the application stays where it is.")
            : "; it applies when the " + procedure + " reaches the gate.");
  }

  /** For an update validator: refuses what the workflow could not use, before it enters history. */
  public void validate(Decision decision) {
    if (decision == null || decision.gate() == null) {
      throw new IllegalArgumentException(
          "A decision names its gate: " + String.join(" or ", gates) + ".");
    }
    if (!gates.contains(decision.gate())) {
      throw new IllegalArgumentException(
          "Unknown gate \""
              + decision.gate()
              + "\"; this workflow's gates are "
              + String.join(", ", gates)
              + ".");
    }
    if (decision.by() == null || decision.by().isBlank()) {
      throw new IllegalArgumentException("A decision names who made it (by), for the audit trail.");
    }
    if (passed.contains(decision.gate())) {
      throw new IllegalArgumentException(
          "The "
              + decision.gate()
              + " gate was already passed: "
              + describe(decisionFor(decision.gate()))
              + ".");
    }
  }

  /**
   * Records a decision (from a signal or an accepted update); malformed ones and late ones are
   * ignored.
   */
  public Decision offer(Decision decision) {
    if (decision == null
        || decision.gate() == null
        || !gates.contains(decision.gate())
        || decision.by() == null
        || decision.by().isBlank()
        || passed.contains(decision.gate())) {
      return null;
    }
    Decision stamped =
        new Decision(
            decision.gate(),
            decision.approve(),
            decision.by(),
            decision.comment(),
            Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    decisions.add(stamped);
    return stamped;
  }

  /** The latest decision for the gate, or null. */
  public Decision decisionFor(String gate) {
    for (int i = decisions.size() - 1; i >= 0; i--) {
      if (decisions.get(i).gate().equals(gate)) {
        return decisions.get(i);
      }
    }
    return null;
  }

  public boolean waitingAt(String gate) {
    return gate.equals(pendingGate);
  }

  /** The gate waiting for a decision now, or null. */
  public String pendingGate() {
    return pendingGate;
  }

  public String pendingQuestion() {
    return question;
  }

  public List<Decision> decisions() {
    return List.copyOf(decisions);
  }

  public static String describe(Decision d) {
    if (d == null) {
      return "no decision before the timeout";
    }
    return (d.approve() ? "approved" : "rejected")
        + " by "
        + d.by()
        + (d.comment() == null || d.comment().isBlank() ? "" : ": " + d.comment());
  }
}
