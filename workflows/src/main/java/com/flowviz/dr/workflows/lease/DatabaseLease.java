package com.flowviz.dr.workflows.lease;

import com.flowviz.dr.activities.lease.LeaseActivities;
import com.flowviz.dr.activities.lease.LeaseHolder;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.Detached;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The lease a procedure holds on the database it changes, kept in Temporal (a DatabaseLease child
 * workflow), never in the server being recovered. Taken before the first step, so a second
 * procedure on the same database is refused at once, naming the holder, or waits when asked to. A
 * procedure started by the holder (an incident's restore) shares its lease.
 */
public final class DatabaseLease {

  /** Workflow.getVersion change id of every procedure that takes a lease. */
  public static final String CHANGE_ID = "database-lease";

  /**
   * How soon a waiting procedure first looks again; the interval doubles up to {@link #MAX_POLL}.
   */
  private static final Duration POLL = Duration.ofSeconds(5);

  /**
   * Each look adds a few events to the waiting procedure's history: a day's wait stays within
   * bounds.
   */
  private static final Duration MAX_POLL = Duration.ofMinutes(1);

  /** A lease seen closed between our start and the look at it: start again this many times. */
  private static final int RACES = 5;

  private final String id;
  private final DatabaseLeaseWorkflow child;
  private final Promise<Void> holding;
  private final String sharedWith;
  private boolean released;

  private DatabaseLease(
      String id, DatabaseLeaseWorkflow child, Promise<Void> holding, String sharedWith) {
    this.id = id;
    this.child = child;
    this.holding = holding;
    this.sharedWith = sharedWith;
  }

  /**
   * "lease:default/flowviz" for the worker's own server, "lease:10.0.0.5:5432/flowviz" for another.
   */
  public static String leaseId(PgServer server, String database) {
    return "lease:" + serverName(server) + "/" + database;
  }

  private static String serverName(PgServer server) {
    if (server == null) {
      return "default";
    }
    return server.host() == null ? server.name() : server.host() + ":" + server.port();
  }

  /**
   * Takes the lease on the database, shares the one its parent or root holds, or fails with {@link
   * FailureTypes#DATABASE_BUSY} naming the holder once {@code wait} has passed (zero: at once).
   */
  public static DatabaseLease acquire(
      PgServer server, String database, String procedure, Duration wait) {
    String id = leaseId(server, database);
    WorkflowInfo info = Workflow.getInfo();
    Set<String> family = new HashSet<>();
    info.getParentWorkflowId().ifPresent(family::add);
    info.getRootWorkflowId().ifPresent(family::add);
    family.remove(info.getWorkflowId());
    LeaseActivities leases =
        Workflow.newActivityStub(LeaseActivities.class, ActivityTimeouts.QUICK);
    long deadline = Workflow.currentTimeMillis() + wait.toMillis();
    int races = 0;
    Duration poll = POLL;
    while (true) {
      DatabaseLease taken =
          tryStart(
              id,
              LeaseRequest.builder()
                  .server(serverName(server))
                  .database(database)
                  .holderWorkflowId(info.getWorkflowId())
                  .procedure(procedure)
                  .build());
      if (taken != null) {
        return taken;
      }
      LeaseHolder holder = leases.describeLease(id);
      if (holder.held() && family.contains(holder.holderWorkflowId())) {
        return new DatabaseLease(id, null, null, holder.holderWorkflowId());
      }
      if (!holder.held()) {
        if (++races > RACES) {
          throw ApplicationFailure.newNonRetryableFailure(
              "The lease "
                  + id
                  + " on "
                  + database
                  + " kept changing hands while this"
                  + " procedure tried to take it; start it again. Nothing was changed.",
              FailureTypes.DATABASE_BUSY);
        }
        continue;
      }
      long left = deadline - Workflow.currentTimeMillis();
      if (left <= 0) {
        throw busy(database, server, holder, wait);
      }
      Workflow.sleep(Duration.ofMillis(Math.min(left, poll.toMillis())));
      poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
    }
  }

  /** Null when another workflow runs under the lease's id. */
  private static DatabaseLease tryStart(String id, LeaseRequest request) {
    // Detached and abandoned on cancellation: a cancelled holder still runs its cleanup under the
    // lease; the lease ends when the holder releases it or closes.
    return Detached.call(
        () -> {
          DatabaseLeaseWorkflow child =
              Workflow.newChildWorkflowStub(
                  DatabaseLeaseWorkflow.class,
                  ChildWorkflowOptions.newBuilder()
                      .setWorkflowId(id)
                      .setTaskQueue(TaskQueues.DR)
                      .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
                      .setWorkflowIdReusePolicy(
                          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                      .setCancellationType(ChildWorkflowCancellationType.ABANDON)
                      .setStaticSummary(
                          "Lease on "
                              + request.database()
                              + " ("
                              + request.server()
                              + ") held by "
                              + request.holderWorkflowId())
                      .build());
          Promise<Void> holding = Async.procedure(child::hold, request);
          try {
            Workflow.getWorkflowExecution(child).get();
            return new DatabaseLease(id, child, holding, null);
          } catch (ChildWorkflowFailure e) {
            if (e.getCause() instanceof WorkflowExecutionAlreadyStarted) {
              return null;
            }
            throw e;
          }
        });
  }

  private static ApplicationFailure busy(
      String database, PgServer server, LeaseHolder holder, Duration wait) {
    return ApplicationFailure.newNonRetryableFailure(
        "The database "
            + database
            + " on "
            + (server == null ? "the worker's server" : server.describe())
            + " is being changed by "
            + holder.describe()
            + (wait.isZero() ? "" : ", still after waiting " + wait)
            + ". Two procedures never change one database at once. Wait for "
            + holder.holderWorkflowId()
            + " to finish (flowviz-dr watch "
            + holder.holderWorkflowId()
            + "), or start this one again with waitForLease"
            + " (e.g. \"PT1H\") to run after it. Nothing was changed.",
        FailureTypes.DATABASE_BUSY,
        holder);
  }

  /** The lease workflow's id. */
  public String id() {
    return id;
  }

  /** Null when this procedure took the lease itself; else the procedure that holds it for both. */
  public String sharedWith() {
    return sharedWith;
  }

  public String describe() {
    return sharedWith == null
        ? "took the lease " + id
        : "shares the lease " + id + " held by " + sharedWith;
  }

  /**
   * Ends the lease (a shared lease stays with its holder). Safe to call twice; runs when cancelled.
   */
  public void release() {
    if (child == null || released) {
      return;
    }
    released = true;
    Detached.run(
        () -> {
          child.release();
          Workflow.await(Duration.ofMinutes(1), holding::isCompleted);
        });
  }
}
