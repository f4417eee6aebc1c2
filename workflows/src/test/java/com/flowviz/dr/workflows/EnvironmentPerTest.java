package com.flowviz.dr.workflows;

import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh test environment (with our search attributes) for every test, closed after it; the test
 * registers its workers in its own {@code @BeforeEach}, which runs after this one, and starts it.
 */
public abstract class EnvironmentPerTest {

  protected TestWorkflowEnvironment env;
  protected WorkflowClient client;

  @BeforeEach
  void createEnvironment() {
    env = TestEnvironments.withSearchAttributes();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void closeEnvironment() {
    env.close();
  }
}
