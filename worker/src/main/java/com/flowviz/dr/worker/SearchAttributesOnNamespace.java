package com.flowviz.dr.worker;

import com.flowviz.dr.workflows.common.RunSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
 * Our workflows set keyword search attributes; a namespace that lacks one fails every workflow task
 * that sets it. So the worker makes sure they exist before it polls, and refuses to start, saying
 * which command creates them, when it may not create them itself.
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
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(client.getWorkflowServiceStubs().getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> existing;
      try {
        existing =
            operator
                .blockingStub()
                .listSearchAttributes(
                    ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
                .getCustomAttributesMap();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        existing =
            Map.of(); // the embedded dev server cannot list them: add each; "already exists" means
        // another worker did
      }
      for (var key : RunSearchAttributes.ALL) {
        if (existing.containsKey(key.getName())) {
          continue;
        }
        try {
          operator
              .blockingStub()
              .addSearchAttributes(
                  AddSearchAttributesRequest.newBuilder()
                      .setNamespace(namespace)
                      .putSearchAttributes(
                          key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                      .build());
          log.info("Registered search attribute {} on namespace {}", key.getName(), namespace);
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw e;
          }
        }
      }
    } catch (RuntimeException e) {
      String commands =
          RunSearchAttributes.ALL.stream()
              .map(
                  key ->
                      "temporal operator search-attribute create --namespace "
                          + namespace
                          + " --name "
                          + key.getName()
                          + " --type Keyword")
              .collect(Collectors.joining("; "));
      throw new IllegalStateException(
          "The namespace "
              + namespace
              + " lacks flowviz-dr's search attributes and the worker could not"
              + " add them ("
              + e.getMessage()
              + "). Create them once, then start the worker again: "
              + commands,
          e);
    } finally {
      operator.shutdown();
    }
  }
}
