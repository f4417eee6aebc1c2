package com.flowviz.dr.worker.wal;

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
 * soon as they are accepted — and come back: a network outage between two processes. (A copy of the
 * e2e package's, which is package-private there.)
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
        threads.execute(() -> pump(client, target));
        threads.execute(() -> pump(target, client));
      } catch (IOException e) {
        // closed, or the upstream refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
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
