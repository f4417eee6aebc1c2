package com.flowviz.dr.workflows;

import com.flowviz.dr.workflows.common.RunSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestWorkflowEnvironment;

/** A test environment whose namespace knows our search attributes, as a configured server does. */
public final class TestEnvironments {
  private TestEnvironments() {}

  public static TestWorkflowEnvironment withSearchAttributes() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    RunSearchAttributes.ALL.forEach(
        key ->
            env.registerSearchAttribute(
                key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return env;
  }
}
