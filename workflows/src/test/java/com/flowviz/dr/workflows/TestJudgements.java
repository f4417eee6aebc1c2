package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.verify.RestoreJudgement;
import com.flowviz.dr.activities.verify.RowLoss;
import com.flowviz.dr.activities.verify.VerificationCheck;
import java.time.Duration;
import java.util.List;

/** What a mocked judgeRestoredDatabase answers in workflow tests. */
public final class TestJudgements {
  private TestJudgements() {}

  /** 5.2 judged fine and nothing lost: the restore goes on as before the judgement existed. */
  public static final RestoreJudgement NOTHING_LOST =
      new RestoreJudgement(
          List.of(new VerificationCheck("5.2 lots restored", true, "at least one lot", "10 lots")),
          List.of(),
          null,
          false,
          List.of(),
          0.10,
          Duration.ofDays(1));

  /** A live database the restore would empty, beyond the 10 % a swap may lose without a person. */
  public static RestoreJudgement losing(
      String liveDatabase, Duration decisionTimeout, RowLoss... losses) {
    return new RestoreJudgement(
        List.of(),
        List.of("Compared with the live database " + liveDatabase + " (no manifest)"),
        liveDatabase,
        true,
        List.of(losses),
        0.10,
        decisionTimeout);
  }
}
