package com.flowviz.dr.worker.e2e;

import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.testing.RequiredTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A moto_server of its own that stands for one AWS region (the shared one stands for the others),
 * so that region can go down: {@link #stop()} ends the process and its port refuses connections.
 */
final class RegionalMoto implements AutoCloseable {

  private final Process process;
  private final String endpoint;

  private RegionalMoto(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static RegionalMoto start() {
    String motoServer = RequiredTools.find("moto_server");
    int port = LocalPostgresCluster.freePort();
    Process process;
    try {
      Path log = Files.createTempFile("moto-region-", ".log");
      process =
          new ProcessBuilder(List.of(motoServer, "-H", "127.0.0.1", "-p", Integer.toString(port)))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start moto_server: " + e.getMessage(), e);
    }
    RegionalMoto moto = new RegionalMoto(process, "http://127.0.0.1:" + port);
    moto.awaitReady(Duration.ofSeconds(60));
    return moto;
  }

  String endpoint() {
    return endpoint;
  }

  /** The region goes down: the server process ends, its port refuses every connection. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("moto_server exited at start with code " + process.exitValue());
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.getResponseCode();
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", ie);
        }
      }
    }
    throw new AssertionError("moto_server did not answer at " + endpoint + " within " + timeout);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
