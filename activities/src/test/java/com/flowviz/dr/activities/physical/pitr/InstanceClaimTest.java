package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two operators, one instance name: exactly one recovery owns it. */
class InstanceClaimTest {

  @TempDir Path root;

  @Test
  void ofTwoRecoveriesRacingForOneInstanceExactlyOneOwnsItAndTheOtherIsToldWhich()
      throws Exception {
    Path home = root.resolve("pitr-race");
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<InstanceClaim>> attempts = new ArrayList<>();
    for (String owner : List.of("workflow restore-pitr-alice", "workflow restore-pitr-bob")) {
      Callable<InstanceClaim> take =
          () -> {
            together.await();
            return InstanceClaim.take(home, "pitr-race", owner);
          };
      attempts.add(pool.submit(take));
    }
    List<InstanceClaim> won = new ArrayList<>();
    List<ApplicationFailure> refused = new ArrayList<>();
    for (Future<InstanceClaim> attempt : attempts) {
      try {
        won.add(attempt.get());
      } catch (java.util.concurrent.ExecutionException e) {
        refused.add((ApplicationFailure) e.getCause());
      }
    }
    pool.shutdown();

    assertEquals(1, won.size(), "one owner");
    assertEquals(1, refused.size(), "one refusal");
    String owner = Files.readString(home.resolve(InstanceClaim.OWNER));
    String winner = owner.contains("alice") ? "restore-pitr-alice" : "restore-pitr-bob";
    ApplicationFailure refusal = refused.get(0);
    assertEquals(FailureTypes.INSTANCE_CLAIMED, refusal.getType());
    assertTrue(refusal.isNonRetryable());
    assertTrue(
        refusal.getOriginalMessage().contains("belongs to workflow " + winner),
        refusal.getOriginalMessage());
    assertTrue(refusal.getOriginalMessage().contains("Nothing was changed"));
    won.get(0).close();

    // The loser stays refused after the winner's attempt ended; the winner's retries pass.
    String loser = winner.endsWith("alice") ? "restore-pitr-bob" : "restore-pitr-alice";
    assertThrows(
        ApplicationFailure.class,
        () -> InstanceClaim.resume(home, "pitr-race", "workflow " + loser));
    InstanceClaim.resume(home, "pitr-race", "workflow " + winner).close();
  }

  @Test
  void aSecondAttemptOfTheOwnerWaitsForTheFirstToEndAndThenProceeds() throws Exception {
    Path home = root.resolve("pitr-attempts");
    InstanceClaim first = InstanceClaim.take(home, "pitr-attempts", "workflow w");
    ApplicationFailure busy =
        assertThrows(
            ApplicationFailure.class,
            () -> InstanceClaim.take(home, "pitr-attempts", "workflow w"));
    assertEquals(InstanceClaim.ATTEMPT_BUSY, busy.getType());
    assertFalse(busy.isNonRetryable(), "retried: the earlier attempt ends or its worker dies");
    first.close();
    InstanceClaim.take(home, "pitr-attempts", "workflow w").close();
  }
}
