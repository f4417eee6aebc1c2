package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The roles file is run as the superuser: only the statements pg_dumpall --globals-only
 * --no-role-passwords writes are ever taken from it, one statement per line.
 */
class ClusterGlobalsTest {

  @Test
  void takesTheRolesPgDumpallWritesAndNothingSmuggledOnTheirLines() {
    ClusterGlobals globals =
        ClusterGlobals.parse(
            String.join(
                "\n",
                "CREATE ROLE flowviz_owner;",
                "ALTER ROLE flowviz_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN"
                    + " NOREPLICATION NOBYPASSRLS;",
                "CREATE ROLE flowviz_app;",
                "ALTER ROLE flowviz_app WITH NOSUPERUSER INHERIT LOGIN;",
                "ALTER ROLE flowviz_app SET search_path TO 'app;public';",
                "ALTER ROLE flowviz_app WITH LOGIN; DROP DATABASE flowviz;",
                "ALTER ROLE flowviz_app WITH LOGIN PASSWORD 'chosen-by-someone-else';",
                "GRANT flowviz_owner TO flowviz_app GRANTED BY admin;"));

    assertEquals(
        List.of(
            "CREATE ROLE flowviz_app",
            "ALTER ROLE flowviz_app WITH NOSUPERUSER INHERIT LOGIN",
            "ALTER ROLE flowviz_app SET search_path TO 'app;public'"),
        globals.definitionOf("flowviz_app"));
    assertEquals(
        List.of("GRANT flowviz_owner TO flowviz_app"), globals.membershipsOf("flowviz_app"));
    assertTrue(globals.defines("flowviz_owner"));
  }

  @Test
  void aSecondStatementOrAPasswordMakesALineForeign() {
    assertTrue(ClusterGlobals.singleStatement("ALTER ROLE a SET x TO 'b;c';"));
    assertTrue(
        ClusterGlobals.singleStatement("ALTER ROLE a SET password_encryption TO 'scram-sha-256';"));
    assertFalse(ClusterGlobals.singleStatement("ALTER ROLE a WITH LOGIN; DROP TABLE lots;"));
    assertFalse(ClusterGlobals.singleStatement("ALTER ROLE a WITH PASSWORD 'x';"));
    assertFalse(ClusterGlobals.singleStatement("ALTER ROLE a SET x TO 'unterminated;"));
  }
}
