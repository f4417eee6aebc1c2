package com.flowviz.dr.starter;

import com.flowviz.dr.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import picocli.CommandLine.Option;

/**
 * Where Temporal is: options, else TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (the SDK's env config),
 * else local defaults.
 */
public class TemporalOptions {

  @Option(
      names = "--address",
      description = "Temporal frontend host:port (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233)")
  String address;

  @Option(
      names = "--namespace",
      description = "Temporal namespace (default: $TEMPORAL_NAMESPACE or default)")
  String namespace;

  private WorkflowServiceStubs stubs;
  private WorkflowClient client;

  WorkflowClient client() {
    if (client == null) {
      ClientConfigProfile profile;
      try {
        profile = ClientConfigProfile.load();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read the Temporal client configuration: " + e.getMessage(), e);
      }
      String target =
          address != null
              ? address
              : profile.getAddress() != null ? profile.getAddress() : "127.0.0.1:7233";
      String ns =
          namespace != null
              ? namespace
              : profile.getNamespace() != null ? profile.getNamespace() : "default";
      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder(profile.toWorkflowServiceStubsOptions())
                  .setTarget(target)
                  .build());
      client =
          WorkflowClient.newInstance(
              stubs,
              WorkflowClientOptions.newBuilder(profile.toWorkflowClientOptions())
                  .setNamespace(ns)
                  .build());
    }
    return client;
  }

  /**
   * A stub for a short workflow that answers a question (a listing, a check), under a fresh id that
   * starts with {@code idPrefix}.
   */
  <T> T answering(Class<T> workflowInterface, String idPrefix) {
    return client()
        .newWorkflowStub(
            workflowInterface,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId(idPrefix + UUID.randomUUID())
                .build());
  }

  void close() {
    if (stubs != null) {
      stubs.shutdown();
    }
  }
}
