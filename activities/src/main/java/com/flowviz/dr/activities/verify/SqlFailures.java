package com.flowviz.dr.activities.verify;

import java.sql.SQLException;

/** Which SQL errors a later attempt can cure: the connection, not the schema or the grants. */
final class SqlFailures {

  private SqlFailures() {}

  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state == null // pgjdbc reports an I/O failure without a state
        || state.startsWith("08") // connection exception
        || state.equals("57P01") // admin shutdown
        || state.equals("57P02") // crash shutdown
        || state.equals("57P03") // cannot connect now (starting up)
        || state.equals("53300"); // too many connections
  }
}
