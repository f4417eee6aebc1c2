package com.flowviz.dr.activities.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP server that keeps every POST it receives, by path: the receiving end of webhooks
 * (Slack, PagerDuty) and of SNS HTTP subscriptions. A path can be told to fail its next requests,
 * as a webhook that is down.
 */
public final class HttpInbox implements AutoCloseable {

  /** One request as received. */
  public record Received(String path, String body) {}

  private final HttpServer server;
  private final List<Received> received = new ArrayList<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  private HttpInbox(HttpServer server) {
    this.server = server;
  }

  public static HttpInbox start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      HttpInbox inbox = new HttpInbox(server);
      server.createContext(
          "/",
          exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            AtomicInteger failing = inbox.failures.get(path);
            boolean fail = failing != null && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (!fail) {
              synchronized (inbox.received) {
                inbox.received.add(new Received(path, body));
              }
            }
            exchange.sendResponseHeaders(fail ? 503 : 200, -1);
            exchange.close();
          });
      server.start();
      return inbox;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next {@code count} requests to the path answer 503 and are not kept. */
  public void failNext(String path, int count) {
    failures.put(path, new AtomicInteger(count));
  }

  public List<Received> received(String path) {
    synchronized (received) {
      return received.stream().filter(r -> r.path().equals(path)).toList();
    }
  }

  /** Waits until a request to the path matches, or fails the test after the timeout. */
  public Received await(String path, Predicate<String> body, Duration timeout) {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      for (Received r : received(path)) {
        if (body.test(r.body())) {
          return r;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(
        "No request to " + path + " matched within " + timeout + "; received: " + received(path));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
