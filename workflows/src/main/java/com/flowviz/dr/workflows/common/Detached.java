package com.flowviz.dr.workflows.common;

import io.temporal.workflow.Workflow;
import java.util.function.Supplier;

/** Work that must run to the end even when the workflow is being cancelled. */
public final class Detached {
  private Detached() {}

  public static <T> T call(Supplier<T> action) {
    Object[] result = new Object[1];
    Workflow.newDetachedCancellationScope(() -> result[0] = action.get()).run();
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  public static void run(Runnable action) {
    Workflow.newDetachedCancellationScope(action).run();
  }
}
