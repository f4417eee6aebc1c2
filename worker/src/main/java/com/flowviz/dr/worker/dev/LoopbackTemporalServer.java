package com.flowviz.dr.worker.dev;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server of {@code io.temporal:temporal-test-server} bound to 127.0.0.1: the embedded
 * Temporal dev server of the demo and the tests. Real time (no time skipping); state in memory.
 *
 * <p>{@code TestServer.createPortBoundServer} binds every interface, which a dev server on a shared
 * machine should not; binding loopback only needs the two classes it uses internally.
 */
public final class LoopbackTemporalServer implements AutoCloseable {

  private final TestServicesStarter services;
  private final Server server;

  private LoopbackTemporalServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /**
   * @param port 0 for a free port
   */
  public static LoopbackTemporalServer start(int port) {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      return new LoopbackTemporalServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(
          "Cannot start the Temporal dev server on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  /** host:port for TEMPORAL_ADDRESS. */
  public String address() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    services.close();
  }
}
