package com.flowviz.dr.worker.wal;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.physical.wal.ClusterIdentity;
import com.flowviz.dr.activities.physical.wal.WalFetch;
import com.flowviz.dr.activities.physical.wal.WalPush;
import com.flowviz.dr.activities.storage.BackupStore;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The resident WAL archiver ({@code flowviz-wal serve}): one JVM that keeps the S3 client, the
 * recipients and the unlocked signing key, and pushes the segments {@code flowviz-wal push} asks it
 * to, exactly as the one-shot command does ({@link WalPush}: create-only, acknowledged once
 * durable, a different segment under an archived name is an ALARM). It fetches the files {@code
 * flowviz-wal fetch} asks for exactly as the one-shot fetch does too ({@link WalFetch}: signature,
 * decryption, the recorded SHA-256, the cluster's identity; exit 0, 1 missing, 128 refused), so
 * recovery does not start a JVM per file. It listens on 127.0.0.1 only and writes its port and a
 * fresh random token to the serve file (0600); see {@link WalServeProtocol} for why a request and
 * its answer carry a MAC.
 *
 * <p>It reads nothing but regular files named like WAL directly in its data directory's {@code
 * pg_wal}, and only when the request's path is PostgreSQL's {@code %p} for that name ({@code
 * pg_wal/<name>}); anything else is refused (exit 2) without being read. It writes fetched files
 * only to {@code pg_wal/} of a running server's data directory that its user owns ({@link
 * FetchTarget}); anything else is refused (exit 128). A fetch it cannot serve as the client's
 * environment expects (another bucket, or no trusted signers configured here) gets no answer, so
 * the client fetches it with the one-shot JVM.
 */
final class WalServer implements Closeable {

  private static final int REQUEST_LIMIT = 1024;
  private static final int REQUEST_TIMEOUT_MS = 10_000;

  private final WalEnvironment env;
  private final WalPush push;
  private final WalFetch fetch;
  private final boolean fetchConfigured;
  private final Path pgData;
  private final Path serveFile;
  private final String token;
  private final ServerSocket socket;
  private final ExecutorService pushers;

  WalServer(WalEnvironment env) throws IOException {
    this.env = env;
    BackupStore store = env.store();
    this.push =
        new WalPush(
            new SigningBackupStore(store, env.signingKey(env.keepSigningKeyUnlocked())),
            env.bucket(),
            env.recipients());
    this.fetch = new WalFetch(store, env.bucket(), env.privateKey(), env.trustedSigners());
    this.fetchConfigured = env.trustedSigners().configured();
    this.pgData = env.pgData();
    this.serveFile = env.serveFile();
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    this.token = HexFormat.of().formatHex(random);
    this.socket = new ServerSocket(env.servePort(), 50, InetAddress.getLoopbackAddress());
    this.pushers = Executors.newFixedThreadPool(env.serveThreads());
    // Fails now, not at the first segment, when the data directory is wrong.
    ClusterIdentity.of(pgData);
    writeServeFile();
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Accepts until {@link #close()}. */
  void serve() {
    WalCommand.log(
        "serving pushes of "
            + pgData.resolve("pg_wal")
            + " to bucket "
            + env.bucket()
            + (fetchConfigured
                ? " and fetches from it"
                : " (fetches left to the one-shot JVM: no trusted signers configured)")
            + " on 127.0.0.1:"
            + port()
            + " (serve file "
            + serveFile
            + ")");
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        WalCommand.log("accept failed: " + e.getMessage());
        continue;
      }
      pushers.execute(() -> handle(connection));
    }
  }

  private void handle(Socket connection) {
    try (connection) {
      connection.setSoTimeout(REQUEST_TIMEOUT_MS);
      Optional<WalServeProtocol.Request> parsed =
          WalServeProtocol.parse(readLine(connection.getInputStream()));
      long received = System.nanoTime();
      if (parsed.isEmpty() || !WalServeProtocol.authentic(token, parsed.get())) {
        // No answer: a client that is not ours learns nothing, ours falls back to the one-shot
        // command (which refuses a bad name itself).
        WalCommand.log("ignored a request that is malformed or not signed with the serve token");
        return;
      }
      WalServeProtocol.Request request = parsed.get();
      Optional<WalCommand.Result> result =
          request instanceof WalServeProtocol.Fetch f
              ? fetchOne(f, received)
              : Optional.of(pushOne((WalServeProtocol.Push) request));
      if (result.isEmpty()) {
        return;
      }
      if (!result.get().message().isEmpty()) {
        WalCommand.log(result.get().message());
      }
      OutputStream out = connection.getOutputStream();
      out.write(
          WalServeProtocol.answer(token, request, result.get().code(), result.get().message())
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // The client falls back to the one-shot command; the segment is safe either way.
      WalCommand.log("connection failed: " + e.getMessage());
    }
  }

  /**
   * restore_command through this JVM: the one-shot fetch's checks and exit codes. Empty (no answer,
   * the client fetches with the one-shot JVM) when this archiver cannot serve it as the client's
   * environment expects.
   */
  private Optional<WalCommand.Result> fetchOne(WalServeProtocol.Fetch request, long received) {
    String name = request.name();
    if (!request.bucket().equals(env.bucket())) {
      WalCommand.log(
          "left the fetch of "
              + name
              + " from bucket "
              + request.bucket()
              + " to the one-shot JVM: this archiver serves bucket "
              + env.bucket());
      return Optional.empty();
    }
    if (!fetchConfigured) {
      WalCommand.log(
          "left the fetch of "
              + name
              + " to the one-shot JVM: no trusted signers configured here"
              + " (FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE, ...)");
      return Optional.empty();
    }
    FetchTarget target;
    try {
      target = FetchTarget.of(request.directory(), request.target(), name);
    } catch (FetchTarget.Refused e) {
      return Optional.of(
          new WalCommand.Result(
              WalCommand.FETCH_FAILED,
              "REFUSED "
                  + name
                  + ", recovery must stop: the resident archiver writes only pg_wal/ of the data"
                  + " directory of a running server that its user owns, and "
                  + e.getMessage()
                  + "; use restore_command = 'flowviz-wal fetch %f %p'"));
    }
    if (!target.writable()) {
      WalCommand.log(
          "left the fetch of "
              + name
              + " to the one-shot JVM: "
              + target.dataDirectory().resolve("pg_wal")
              + " is not writable by this archiver (ReadWritePaths in flowviz-wal-serve.service)");
      return Optional.empty();
    }
    // Half the client's wait: after that it may have fetched the file itself (FetchTarget.write).
    long deadline = received + request.waitSeconds() * 500_000_000L;
    return Optional.of(
        WalCommand.restore(
            name,
            env.bucket(),
            () ->
                fetch.fetch(
                    name,
                    ClusterIdentity.of(target.dataDirectory()),
                    plaintext -> target.write(plaintext, request.nonce(), deadline))));
  }

  private WalCommand.Result pushOne(WalServeProtocol.Push request) {
    String name = request.name();
    if (!WalServeProtocol.WAL_NAME.matcher(name).matches()) {
      return new WalCommand.Result(
          WalCommand.PUSH_REFUSED, "refused to archive " + name + ": not a WAL file name");
    }
    if (!request.path().equals("pg_wal/" + name)) {
      return new WalCommand.Result(
          WalCommand.PUSH_REFUSED,
          "refused to archive "
              + request.path()
              + ": the resident archiver reads only pg_wal/<%f> of its data directory ("
              + pgData
              + "); use archive_command = 'flowviz-wal push %p %f'");
    }
    Path file = pgData.resolve("pg_wal").resolve(name);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return new WalCommand.Result(
          WalCommand.PUSH_REFUSED,
          "refused to archive " + name + ": " + file + " is not a regular file");
    }
    return WalCommand.archive(
        name, env.bucket(), () -> push.push(file, name, ClusterIdentity.of(pgData)));
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (line.size() >= REQUEST_LIMIT) {
        return "";
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** "port token", 0600, written whole (rename) so the wrapper never reads half of it. */
  private void writeServeFile() throws IOException {
    Path dir = serveFile.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp = dir.resolve(serveFile.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, port() + " " + token + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, serveFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Stops accepting, lets running pushes finish, and removes the serve file if it is ours. */
  @Override
  public void close() throws IOException {
    socket.close();
    pushers.shutdown();
    try {
      pushers.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (BufferedReader r = Files.newBufferedReader(serveFile, StandardCharsets.US_ASCII)) {
      String line = r.readLine();
      if (line != null && line.endsWith(" " + token)) {
        Files.deleteIfExists(serveFile);
      }
    } catch (IOException e) {
      // already gone
    }
  }
}
