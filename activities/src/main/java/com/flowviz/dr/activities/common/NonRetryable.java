package com.flowviz.dr.activities.common;

import io.temporal.failure.ApplicationFailure;

/** Failures that no retry can fix: their message goes to the operator as it is. */
public final class NonRetryable {
  private NonRetryable() {}

  public static ApplicationFailure failure(String type, String message) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }

  /**
   * The cause stays out of the failure on purpose: its message and stack could carry details we do
   * not want in workflow history. The message we write is what the operator needs.
   */
  public static ApplicationFailure failure(String type, String message, Throwable cause) {
    return ApplicationFailure.newNonRetryableFailure(
        message + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")"), type);
  }
}
