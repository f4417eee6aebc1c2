package com.flowviz.dr.workflows.common;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowLocal;
import java.util.ArrayList;
import java.util.List;

/**
 * Search attributes that make recoveries filterable in the Temporal UI and for the starter ({@code
 * FlowvizScenario = '4.1'}, {@code FlowvizTargetDatabase = 'flowviz'}, ...). Keyword attributes
 * must exist on the namespace before a workflow sets them: the worker registers the missing ones
 * before it polls ({@link #ALL}).
 *
 * <p>Set from workflow version 1 of {@link #CHANGE_ID} on, so runs started before replay as they
 * ran. Each workflow tags itself first thing, before it starts any other coroutine.
 */
public final class RunSearchAttributes {

  public static final SearchAttributeKey<String> SCENARIO =
      SearchAttributeKey.forKeyword("FlowvizScenario");
  public static final SearchAttributeKey<String> BACKUP_KEY =
      SearchAttributeKey.forKeyword("FlowvizBackupKey");
  public static final SearchAttributeKey<String> TARGET_DATABASE =
      SearchAttributeKey.forKeyword("FlowvizTargetDatabase");
  public static final SearchAttributeKey<String> OPERATOR =
      SearchAttributeKey.forKeyword("FlowvizOperator");
  public static final List<SearchAttributeKey<String>> ALL =
      List.of(SCENARIO, BACKUP_KEY, TARGET_DATABASE, OPERATOR);

  /** Workflow.getVersion change id. */
  public static final String CHANGE_ID = "search-attributes";

  /**
   * Asked once per run, at its first tag, and remembered: Workflow.getVersion may yield to the
   * run's other coroutines, which must not happen later, amid notifications and audit entries (it
   * would reorder their commands against histories recorded before this change).
   */
  private static final WorkflowLocal<Boolean> ENABLED =
      WorkflowLocal.withCachedInitial(
          () ->
              Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1)
                  != Workflow.DEFAULT_VERSION);

  private RunSearchAttributes() {}

  /**
   * @param scenario the runbook section: "4.1", "4.2", "4.3", "4.4 failover", "2.3", "backup
   *     daily"...
   */
  public static void tag(String scenario, String operator, String targetDatabase) {
    upsert(List.of(SCENARIO, OPERATOR, TARGET_DATABASE), scenario, operator, targetDatabase);
  }

  public static void targetDatabase(String database) {
    upsert(List.of(TARGET_DATABASE), database);
  }

  public static void backupKey(String key) {
    upsert(List.of(BACKUP_KEY), key);
  }

  /** One command for all the values given; null values are left unset. */
  private static void upsert(List<SearchAttributeKey<String>> keys, String... values) {
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (values[i] != null) {
        updates.add(SearchAttributeUpdate.valueSet(keys.get(i), values[i]));
      }
    }
    if (updates.isEmpty() || !ENABLED.get()) {
      return;
    }
    Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
  }
}
