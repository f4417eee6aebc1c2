package com.flowviz.dr.workflows.procedures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProceduresTest {

  /**
   * The type names are a contract with running workflows, schedules and scripts: renaming one
   * strands every run started under the old name, so the list is written out here once.
   */
  @Test
  void theTypeNamesAreTheOnesRunningWorkflowsAndSchedulesUse() {
    assertEquals(
        List.of(
            "RestoreFromBackup",
            "RestoreFromWeeklyBackup",
            "RestoreToNewInstance",
            "TeardownInstance",
            "CrossRegionFailover",
            "TakeBackup",
            "TakeBaseBackup",
            "RestoreToPointInTime",
            "ListBackups",
            "CheckBackupRetention",
            "HandleIncident",
            "IncidentFollowUp",
            "FetchIncidentReport",
            "VerifyAuditTrail",
            "ForwardAuditEntries",
            "RecoveryDrill",
            "ListDrills",
            "MonitorBackupFreshness",
            "DatabaseLease"),
        Procedures.ALL.stream().map(Procedure::typeName).toList());
  }

  @Test
  void everyProcedureConstantIsInTheListOnce() throws IllegalAccessException {
    List<Object> constants = new ArrayList<>();
    for (Field field : Procedures.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == Procedure.class) {
        constants.add(field.get(null));
      }
    }
    assertEquals(new HashSet<>(constants), new HashSet<>(Procedures.ALL));
    assertEquals(constants.size(), Procedures.ALL.size());
    assertEquals(
        Procedures.ALL.size(), new HashSet<>(Arrays.asList(Procedures.implementations())).size());
  }

  @Test
  void operatorsStartEveryProcedureButThoseOtherWorkflowsStart() {
    assertEquals(
        List.of("IncidentFollowUp", "ForwardAuditEntries", "DatabaseLease"),
        Procedures.ALL.stream()
            .filter(p -> !p.startedByOperators())
            .map(Procedure::typeName)
            .toList());
    assertEquals(
        List.of(
            "RestoreFromBackup",
            "RestoreFromWeeklyBackup",
            "RestoreToNewInstance",
            "CrossRegionFailover",
            "RestoreToPointInTime",
            "HandleIncident"),
        Procedures.recoveryTypeNames());
  }

  @Test
  void eachImplementationImplementsItsInterface() {
    for (Procedure procedure : Procedures.ALL) {
      assertTrue(
          procedure.workflowInterface().isAssignableFrom(procedure.implementation()),
          procedure.typeName());
    }
  }
}
