package com.flowviz.dr.activities.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy between the AWS SDK and moto_server that plays the parts of S3 a local emulator
 * cannot: a Glacier retrieval that takes hours (moto finishes it at once), a bucket the caller may
 * not read, a slow network. Everything else passes through unchanged, and every request is recorded
 * so that tests can check what was sent on the wire.
 */
public final class S3FaultProxy implements AutoCloseable {

  /** One request as it crossed the proxy. */
  public record Recorded(String method, String bucket, String key, String query, String body) {
    public boolean isRestoreObject() {
      return method.equals("POST") && query != null && query.contains("restore");
    }
  }

  private static final Set<String> RESTRICTED =
      Set.of(
          "host", "content-length", "connection", "expect", "upgrade", "transfer-encoding", "date");

  private final HttpServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String upstream;
  private final Set<String> retrievalsInProgress = ConcurrentHashMap.newKeySet();
  private final Set<String> retrievalsRequested = ConcurrentHashMap.newKeySet();
  private final Set<String> deniedBuckets = ConcurrentHashMap.newKeySet();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile long getBytesPerSecond;
  private final AtomicInteger errorsToAnswer = new AtomicInteger();
  private volatile int errorStatus;
  private volatile String errorCode;
  private final AtomicLong cutAfter = new AtomicLong(-1);
  private final AtomicLong stallAfter = new AtomicLong(-1);
  private final List<String> objectGetRanges = new CopyOnWriteArrayList<>();
  private volatile boolean dnsChangesPending;

  private S3FaultProxy(String upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "s3-fault-proxy");
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/", this::handle);
    server.start();
  }

  public static S3FaultProxy in(String upstream) {
    try {
      return new S3FaultProxy(upstream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * From now until {@link #completeRetrieval}, the object behaves as S3 does while a retrieval
   * runs.
   */
  public void holdRetrieval(String bucket, String key) {
    retrievalsInProgress.add(bucket + "/" + key);
  }

  public void completeRetrieval(String bucket, String key) {
    retrievalsInProgress.remove(bucket + "/" + key);
    retrievalsRequested.remove(bucket + "/" + key);
  }

  public void denyBucket(String bucket) {
    deniedBuckets.add(bucket);
  }

  /** Slows object downloads to this rate; 0 for full speed. */
  public void throttleDownloads(long bytesPerSecond) {
    this.getBytesPerSecond = bytesPerSecond;
  }

  /**
   * The next {@code count} GETs of a backup object are answered with this S3 error, as S3 answers
   * 503 SlowDown.
   */
  public void failNextDownloads(int count, int status, String code) {
    errorStatus = status;
    errorCode = code;
    errorsToAnswer.set(count);
  }

  /** The next object GET drops its connection after this many body bytes. */
  public void dropNextDownloadAfter(long bytes) {
    cutAfter.set(bytes);
  }

  /** The next object GET stops sending after this many body bytes and keeps its connection open. */
  public void stallNextDownloadAfter(long bytes) {
    stallAfter.set(bytes);
  }

  /**
   * The Range header of every GET of a backup object, in order ("" for a GET of the whole object).
   */
  public List<String> objectGetRanges() {
    return List.copyOf(objectGetRanges);
  }

  /** While on, Route53 GetChange answers PENDING, as Route53 does until its servers are in sync. */
  public void holdDnsChanges(boolean pending) {
    this.dnsChangesPending = pending;
  }

  /** ChangeResourceRecordSets requests seen. */
  public long dnsChangeRequests() {
    return requests.stream()
        .filter(
            r ->
                r.method().equals("POST")
                    && r.bucket().equals("2013-04-01")
                    && r.key().matches(".*/rrset/?"))
        .count();
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public long restoreObjectRequests(String bucket, String key) {
    return requests.stream()
        .filter(r -> r.isRestoreObject() && r.bucket().equals(bucket) && r.key().equals(key))
        .count();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String[] parts = path.substring(1).split("/", 2);
      String bucket = parts[0];
      String key = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(
          new Recorded(
              method,
              bucket,
              key,
              query,
              body.length < 4096
                  ? new String(body, StandardCharsets.UTF_8)
                  : "<" + body.length + " bytes>"));

      if (deniedBuckets.contains(bucket)) {
        error(exchange, 403, "AccessDenied", "Access Denied");
        return;
      }
      String object = bucket + "/" + key;
      boolean held = retrievalsInProgress.contains(object);
      boolean restoreRequest = method.equals("POST") && query != null && query.contains("restore");
      if (held && restoreRequest && !retrievalsRequested.add(object)) {
        // S3 answers a second request during a retrieval with 409.
        error(exchange, 409, "RestoreAlreadyInProgress", "Object restore is already in progress");
        return;
      }
      if (held
          && method.equals("GET")
          && !key.isEmpty()
          && (query == null || !query.contains("uploadId"))) {
        error(
            exchange,
            403,
            "InvalidObjectState",
            "The operation is not valid for the object's storage class");
        return;
      }
      // Faults hit backup objects only, not the manifests beside them.
      // A backup's download; not the small roles file beside it (<base>.globals.sql.gpg), fetched
      // whole.
      boolean objectGet =
          method.equals("GET")
              && key.endsWith(".gpg")
              && !key.endsWith(".globals.sql.gpg")
              && (query == null || query.isEmpty());
      long cut = -1;
      long stall = -1;
      if (objectGet) {
        String range = exchange.getRequestHeaders().getFirst("Range");
        objectGetRanges.add(range == null ? "" : range);
        if (errorsToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          error(exchange, errorStatus, errorCode, "Please reduce your request rate.");
          return;
        }
        cut = cutAfter.getAndSet(-1);
        stall = stallAfter.getAndSet(-1);
      }
      // Once asked for, a held retrieval shows as ongoing, as S3 shows it for hours. Decided when
      // the request arrives, so a test that saw the request knows what it will be answered.
      boolean ongoing = held && method.equals("HEAD") && retrievalsRequested.contains(object);
      HttpResponse<InputStream> response = forward(exchange, method, path, query, body);
      if (dnsChangesPending && method.equals("GET") && path.startsWith("/2013-04-01/change/")) {
        byte[] answer;
        try (InputStream in = response.body()) {
          answer =
              new String(in.readAllBytes(), StandardCharsets.UTF_8)
                  .replace("<Status>INSYNC</Status>", "<Status>PENDING</Status>")
                  .getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(response.statusCode(), answer.length);
        exchange.getResponseBody().write(answer);
        return;
      }
      relay(exchange, method, response, ongoing && response.statusCode() == 200, cut, stall);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<InputStream> forward(
      HttpExchange exchange, String method, String path, String query, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upstream + path + (query == null ? "" : "?" + query)))
            .timeout(Duration.ofMinutes(5))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        for (String value : header.getValue()) {
          request.header(header.getKey(), value);
        }
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private void relay(
      HttpExchange exchange,
      String method,
      HttpResponse<InputStream> response,
      boolean ongoing,
      long cut,
      long stall)
      throws IOException {
    String contentLength = null;
    for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("content-length")) {
        contentLength = header.getValue().get(0);
      } else if (!name.equals("transfer-encoding")
          && !name.equals(":status")
          && !name.equals("date")
          && !name.equals("connection")) {
        exchange.getResponseHeaders().put(header.getKey(), header.getValue());
      }
    }
    if (ongoing) {
      exchange.getResponseHeaders().set("x-amz-restore", "ongoing-request=\"true\"");
    }
    try (InputStream in = response.body()) {
      if (method.equals("HEAD")) {
        if (contentLength != null) {
          exchange.getResponseHeaders().set("Content-Length", contentLength);
        }
        exchange.sendResponseHeaders(response.statusCode(), -1);
        return;
      }
      long length = contentLength == null ? 0 : Long.parseLong(contentLength);
      exchange.sendResponseHeaders(response.statusCode(), length == 0 ? -1 : length);
      if (length == 0) {
        return;
      }
      OutputStream out = exchange.getResponseBody();
      byte[] buffer = new byte[64 * 1024];
      int n;
      long started = System.nanoTime();
      long sent = 0;
      while ((n = in.read(buffer)) > 0) {
        long limit = cut >= 0 ? cut : stall;
        if (limit >= 0 && sent + n > limit) {
          out.write(buffer, 0, (int) (limit - sent));
          out.flush();
          if (cut >= 0) {
            // Fewer bytes than Content-Length, then the connection closes: a transfer cut mid-way.
            throw new IOException(
                "connection dropped by the fault proxy after " + limit + " bytes");
          }
          try {
            Thread.sleep(
                Duration.ofMinutes(10).toMillis()); // until the client gives up on this connection
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return;
        }
        out.write(buffer, 0, n);
        sent += n;
        long rate = method.equals("GET") ? getBytesPerSecond : 0;
        if (rate > 0) {
          long dueNanos = sent * 1_000_000_000L / rate;
          long sleep = (dueNanos - (System.nanoTime() - started)) / 1_000_000;
          if (sleep > 0) {
            try {
              Thread.sleep(sleep);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }
      }
    }
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    byte[] xml =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message><RequestId>proxy</RequestId></Error>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/xml");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, xml.length);
    exchange.getResponseBody().write(xml);
  }
}
