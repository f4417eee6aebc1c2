package com.flowviz.dr.worker;

import com.flowviz.dr.worker.config.TemporalSettings;
import com.flowviz.dr.workflows.InputJsonConverter;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.util.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Temporal connection, configured the SDK's way (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * profiles).
 */
@Factory
public class TemporalFactory {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  @Singleton
  ClientConfigProfile profile() {
    try {
      return ClientConfigProfile.load();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the Temporal client configuration: " + e.getMessage(), e);
    }
  }

  @Singleton
  @Bean(preDestroy = "shutdown")
  WorkflowServiceStubs serviceStubs(
      ClientConfigProfile profile, TemporalSettings settings, MeterRegistry meters) {
    String address =
        settings.address() != null
            ? settings.address()
            : profile.getAddress() != null ? profile.getAddress() : DEFAULT_ADDRESS;
    // The SDK's metrics (task latencies, poll results, activity and workflow outcomes) and the ones
    // our workflows and activities record go to the worker's Prometheus endpoint.
    Scope metrics =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(meters))
            .reportEvery(Duration.ofSeconds(10));
    WorkflowServiceStubsOptions options =
        WorkflowServiceStubsOptions.newBuilder(profile.toWorkflowServiceStubsOptions())
            .setTarget(address)
            .setMetricsScope(metrics)
            .build();
    return WorkflowServiceStubs.newServiceStubs(options);
  }

  @Singleton
  WorkflowClient workflowClient(
      WorkflowServiceStubs stubs, ClientConfigProfile profile, TemporalSettings settings) {
    String namespace =
        settings.namespace() != null
            ? settings.namespace()
            : profile.getNamespace() != null ? profile.getNamespace() : DEFAULT_NAMESPACE;
    return WorkflowClient.newInstance(
        stubs,
        WorkflowClientOptions.newBuilder(profile.toWorkflowClientOptions())
            .setNamespace(namespace)
            .setDataConverter(InputJsonConverter.dataConverter())
            .build());
  }

  /**
   * Interceptors are beans: tracing or metrics added to the application context reach every
   * workflow and activity without this factory knowing them.
   */
  @Singleton
  WorkerFactory workerFactory(WorkflowClient client, List<WorkerInterceptor> interceptors) {
    return WorkerFactory.newInstance(
        client,
        WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(interceptors.toArray(WorkerInterceptor[]::new))
            .build());
  }
}
