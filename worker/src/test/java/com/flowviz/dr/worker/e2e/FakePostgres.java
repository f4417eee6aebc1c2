package com.flowviz.dr.worker.e2e;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attacker's server of issue 15: it speaks just enough of the PostgreSQL protocol to ask a
 * client for a cleartext password (AuthenticationCleartextPassword) and keeps whatever it is sent.
 */
final class FakePostgres implements AutoCloseable {
  private final ServerSocket socket;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> passwords = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  FakePostgres() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "fake-postgres");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  List<String> passwordsReceived() {
    return List.copyOf(passwords);
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        connections.incrementAndGet();
        client.setSoTimeout(5000);
        DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        int length = in.readInt();
        int code = in.readInt();
        in.readFully(new byte[length - 8]);
        if (code == 80877103) { // SSLRequest: no TLS here, then the real startup message
          out.writeByte('N');
          out.flush();
          length = in.readInt();
          in.readInt();
          in.readFully(new byte[length - 8]);
        }
        out.writeByte('R'); // AuthenticationCleartextPassword
        out.writeInt(8);
        out.writeInt(3);
        out.flush();
        if (in.readByte() == 'p') {
          byte[] password = new byte[in.readInt() - 4];
          in.readFully(password);
          passwords.add(new String(password, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the client went away, or the socket closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
