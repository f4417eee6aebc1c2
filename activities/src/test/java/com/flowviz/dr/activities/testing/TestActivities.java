package com.flowviz.dr.activities.testing;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;

/** Activity stubs for tests: one attempt, so a failure shows as it is instead of being retried. */
public final class TestActivities {
  private TestActivities() {}

  public static <T> T stub(TestActivityEnvironment env, Class<T> activities) {
    return env.newActivityStub(
        activities,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }
}
