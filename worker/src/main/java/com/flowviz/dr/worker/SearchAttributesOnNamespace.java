package com.flowviz.dr.worker;

import com.flowviz.dr.workflows.common.RunSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our workflows set keyword search attributes; a namespace that lacks one fails every workflow
 * task that sets it. So the worker makes sure they exist before it polls, and refuses to start,
 * saying which command creates them, when it may not create them itself.
 */
@Singleton
public class SearchAttributesOnNamespace {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributesOnNamespace.class);
  private final WorkflowClient client;

  public SearchAttributesOnNamespace(WorkflowClient client) {
    this.client = client;
  }

  public void ensureRegistered() {
    String namespace = client.getOptions().getNamespace();
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setChannel(client.getWorkflowServiceStubs().getRawChannel()).validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> existing =
          operator.blockingStub().listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
      Map<String, IndexedValueType> missing = RunSearchAttributes.ALL.stream()
          .filter(key -> !existing.containsKey(key.getName()))
          .collect(Collectors.toMap(key -> key.getName(), key -> IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      if (missing.isEmpty()) {
        return;
      }
      operator.blockingStub().addSearchAttributes(
          AddSearchAttributesRequest.newBuilder().setNamespace(namespace).putAllSearchAttributes(missing).build());
      log.info("Registered search attributes {} on namespace {}", missing.keySet(), namespace);
    } catch (RuntimeException e) {
      String commands = RunSearchAttributes.ALL.stream()
          .map(key -> "temporal operator search-attribute create --namespace " + namespace + " --name " + key.getName() + " --type Keyword")
          .collect(Collectors.joining("; "));
      throw new IllegalStateException("The namespace " + namespace + " lacks flowviz-dr's search attributes and the worker could not"
          + " add them (" + e.getMessage() + "). Create them once, then start the worker again: " + commands, e);
    } finally {
      operator.shutdown();
    }
  }
}
