package com.flowviz.dr.worker.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on loopback that can go down — every open connection dropped, new ones closed as
 * soon as they are accepted — and come back: a network outage between two processes.
 */
final class TcpFaultProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "tcp-fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger dropped = new AtomicInteger();
  private volatile boolean down;
  private volatile long stallAfter = -1;
  private final AtomicInteger stalled = new AtomicInteger();

  private TcpFaultProxy(ServerSocket server, InetSocketAddress upstream) {
    this.server = server;
    this.upstream = upstream;
    threads.execute(this::accept);
  }

  /**
   * @param upstream host:port
   */
  static TcpFaultProxy to(String upstream) {
    String[] hostPort = upstream.split(":");
    try {
      return new TcpFaultProxy(
          new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
          new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Drops every connection and refuses new ones until {@link #up()}. */
  void down() {
    down = true;
    for (Socket socket : open) {
      closeQuietly(socket);
      dropped.incrementAndGet();
    }
    open.clear();
  }

  void up() {
    down = false;
  }

  /**
   * From now on a connection that has sent more than {@code bytes} towards the upstream stops
   * forwarding what its client sends (the client blocks mid-request, e.g. inside a PUT's body)
   * until {@link #release()}: a request caught half-way.
   */
  void stallUploadsAfter(long bytes) {
    stallAfter = bytes;
  }

  /** Connections held by {@link #stallUploadsAfter} right now. */
  int stalled() {
    return stalled.get();
  }

  /** Ends the stall: held connections forward again. */
  synchronized void release() {
    stallAfter = -1;
    notifyAll();
  }

  private synchronized void holdWhileStalled(long sent) throws InterruptedException {
    if (stallAfter < 0 || sent <= stallAfter) {
      return;
    }
    stalled.incrementAndGet();
    try {
      while (stallAfter >= 0 && !server.isClosed()) {
        wait(100);
      }
    } finally {
      stalled.decrementAndGet();
    }
  }

  /** Connections the outage cut. */
  int dropped() {
    return dropped.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (down) {
          closeQuietly(client);
          continue;
        }
        Socket target = new Socket(upstream.getAddress(), upstream.getPort());
        open.add(client);
        open.add(target);
        threads.execute(() -> pump(client, target, true));
        threads.execute(() -> pump(target, client, false));
      } catch (IOException e) {
        // closed, or the upstream refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upload) {
    byte[] buffer = new byte[64 * 1024];
    long sent = 0;
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (upload) {
          holdWhileStalled(sent + n);
        }
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    down();
    threads.shutdownNow();
  }
}
