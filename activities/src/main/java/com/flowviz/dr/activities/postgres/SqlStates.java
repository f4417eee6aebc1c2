package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;

/**
 * The one place that decides whether a PostgreSQL error can heal. A retry budget is hours long, so
 * an error that no retry can fix (a missing column, a refused password, a full disk) must fail at
 * once with what to do; an error that time may fix (the server restarting, a lost connection, a
 * deadlock) is retried.
 */
public final class SqlStates {
  private SqlStates() {}

  /**
   * Whether another attempt may succeed; unknown states count as transient, the budget bounds them.
   */
  public static boolean canHeal(SQLException e) {
    String state = state(e);
    return !(state.startsWith("28")
        || state.equals("42501")
        || state.equals("42703")
        || state.equals("42P01")
        || state.equals("3D000")
        || state.equals("53100"));
  }

  /**
   * The failure an activity raises for {@code e} while it tried to {@code what} (e.g. "verify
   * flowviz_staging_x"): non-retryable with the remedy when it cannot heal, retryable otherwise.
   * The SQLException is not attached: its text is already in the message, and nothing else of it
   * belongs in workflow history.
   */
  public static ApplicationFailure failure(String what, SQLException e) {
    String state = state(e);
    String seen = e.getMessage() + " [SQLSTATE " + (state.isEmpty() ? "none" : state) + "]";
    if (state.startsWith("28")) {
      return NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "Cannot "
              + what
              + ": the database refused the worker's credentials ("
              + seen
              + "). Check PGUSER/PGPASSWORD, the pgpass file or the server's secret, and"
              + " pg_hba.conf; then run the procedure again.");
    }
    if (state.equals("42501")) {
      return NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "Cannot "
              + what
              + ": the database role lacks a privilege ("
              + seen
              + "). Grant it (the worker's role needs CREATEDB, must own the databases it restores"
              + " and may read every table), then run the procedure again.");
    }
    if (state.equals("42703") || state.equals("42P01")) {
      return NonRetryable.failure(
          FailureTypes.SCHEMA_MISMATCH,
          "Cannot "
              + what
              + ": the database's schema lacks what the query names ("
              + seen
              + "). A retry meets the same schema; compare the schema with the application's, then"
              + " run the procedure again.");
    }
    if (state.equals("3D000")) {
      return NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "Cannot "
              + what
              + ": the database does not exist ("
              + seen
              + "). Check its name, then run the procedure again.");
    }
    if (state.equals("53100")) {
      return NonRetryable.failure(
          FailureTypes.DISK_FULL,
          "Cannot "
              + what
              + ": the database server's disk is full ("
              + seen
              + "). Free space on the server or grow its"
              + " volume, then run the procedure again.");
    }
    if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
      return ApplicationFailure.newFailure(
          "Cannot "
              + what
              + ": the database server is unreachable, shutting down or starting ("
              + seen
              + "); retrying.",
          FailureTypes.DATABASE_UNAVAILABLE);
    }
    // Serialization failures and deadlocks (40001, 40P01), lock timeouts and anything not known to
    // be permanent: another attempt, within the activity's budget.
    return ApplicationFailure.newFailure("Cannot " + what + ": " + seen, "DatabaseError");
  }

  private static String state(SQLException e) {
    return e.getSQLState() == null ? "" : e.getSQLState();
  }
}
