package com.flowviz.dr.worker.wal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line exchange between {@code flowviz-wal push} / {@code fetch} (bash, over {@code
 * /dev/tcp} to 127.0.0.1) and the resident archiver ({@code flowviz-wal serve}):
 *
 * <pre>
 * request:  push NONCE PATH NAME MAC                      MAC = mac(token, "push NONCE PATH NAME")
 *           fetch NONCE NAME TARGET DIR BUCKET WAIT MAC   MAC = mac(token, "fetch NONCE ... WAIT")
 * answer:   CODE MAC MESSAGE                              MAC = mac(token, "NONCE NAME CODE")
 * mac(t, m) = hex SHA-256 of  t "\n" m "\n" t       (printf '%s\n%s\n%s' | sha256sum)
 * </pre>
 *
 * A fetch names restore_command's {@code %f} and {@code %p}, the directory it runs in (PostgreSQL
 * runs it in the data directory), the bucket the client's environment names (the archiver serves
 * only its own; another is left to the one-shot JVM) and how many seconds the client waits for the
 * answer (the archiver never writes the file after half of that: the client may have fetched it
 * with the one-shot JVM by then, and PostgreSQL moved on).
 *
 * <p>The token is in the serve file only its user (postgres) can read, and never crosses the
 * socket. Any local user can connect to a loopback port, so the request's MAC is what lets only the
 * server's own user ask for a push or a fetch; the answer's MAC is what makes a 0 ("durable in S3",
 * "restored") believable: a process that took the port while the archiver was down cannot forge it,
 * and the wrapper then falls back to the one-shot command. A replayed request only pushes or
 * fetches the same file again, which is harmless. The token is put first and last so the hash is
 * not open to length extension.
 */
final class WalServeProtocol {

  /** What PostgreSQL archives: segments, timeline history, backup history and partial files. */
  static final Pattern WAL_NAME =
      Pattern.compile("[0-9A-F]{24}(\\.partial|\\.[0-9A-F]{8}\\.backup)?|[0-9A-F]{8}\\.history");

  private static final Pattern PUSH =
      Pattern.compile("push ([0-9a-f]{32}) (\\S{1,200}) (\\S{1,64}) ([0-9a-f]{64})");

  private static final Pattern FETCH =
      Pattern.compile(
          "fetch ([0-9a-f]{32}) (\\S{1,64}) (\\S{1,200}) (/\\S{0,400}) (\\S{1,255}) ([0-9]{1,6})"
              + " ([0-9a-f]{64})");

  /** A request, authentic or not: {@link #authentic} tells. */
  sealed interface Request permits Push, Fetch {
    String nonce();

    /** {@code %f}: the answer's MAC covers it. */
    String name();

    String mac();

    /** What the MAC covers. */
    String signed();
  }

  /** archive_command's {@code %p} and {@code %f}. */
  record Push(String nonce, String path, String name, String mac) implements Request {
    @Override
    public String signed() {
      return "push " + nonce + " " + path + " " + name;
    }
  }

  /**
   * restore_command's {@code %f} and {@code %p}, the client's working directory, bucket and wait.
   */
  record Fetch(
      String nonce,
      String name,
      String target,
      String directory,
      String bucket,
      int waitSeconds,
      String mac)
      implements Request {
    @Override
    public String signed() {
      return String.join(
          " ", "fetch", nonce, name, target, directory, bucket, Integer.toString(waitSeconds));
    }
  }

  private WalServeProtocol() {}

  static Optional<Request> parse(String line) {
    Matcher push = PUSH.matcher(line);
    if (push.matches()) {
      return Optional.of(new Push(push.group(1), push.group(2), push.group(3), push.group(4)));
    }
    Matcher fetch = FETCH.matcher(line);
    if (fetch.matches()) {
      return Optional.of(
          new Fetch(
              fetch.group(1),
              fetch.group(2),
              fetch.group(3),
              fetch.group(4),
              fetch.group(5),
              Integer.parseInt(fetch.group(6)),
              fetch.group(7)));
    }
    return Optional.empty();
  }

  static String mac(String token, String message) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(
                      (token + "\n" + message + "\n" + token).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static boolean authentic(String token, Request request) {
    return MessageDigest.isEqual(
        mac(token, request.signed()).getBytes(StandardCharsets.US_ASCII),
        request.mac().getBytes(StandardCharsets.US_ASCII));
  }

  static String answer(String token, Request request, int code, String message) {
    String oneLine = message.replaceAll("[\\r\\n]+", " ");
    return code
        + " "
        + mac(token, request.nonce() + " " + request.name() + " " + code)
        + " "
        + oneLine
        + "\n";
  }
}
