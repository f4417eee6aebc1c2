package com.flowviz.dr.worker;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.micronaut.context.annotation.NonBinding;
import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Marks a bean as activity implementations the worker registers: every one on the shared queue, and
 * those that work on this host's files on this host's own queue too. A new activity implementation
 * is a bean with this mark; {@link WorkerRegistration} finds it.
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({METHOD, TYPE, PARAMETER, FIELD})
public @interface RegisteredActivities {

  /**
   * Whether this host's queue serves them too: the activities that read or write a restore's work
   * files (download, decrypt, pg_restore, discard), which a workflow pins to the host holding them.
   */
  @NonBinding
  boolean alsoOnHostQueue() default false;
}
