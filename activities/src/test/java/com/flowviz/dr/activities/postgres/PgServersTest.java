package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker connects only to servers its registry knows, with the secret the registry assigns: the
 * payloads of issue 15's attack, old-shaped as running workflows carry them, reach nothing. A
 * listening socket on loopback stands for the attacker's server and counts who connects. Budget: a
 * few seconds (one real connection to the test cluster).
 */
class PgServersTest {

  @TempDir Path dir;
  private SecretStore secrets;
  private PgServers servers;
  private ServerSocket attacker;
  private final AtomicInteger reached = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    secrets = new LocalSecretStore(dir.resolve("secrets"));
    secrets.write("flowviz/backup/gpg-private-key", "-----BEGIN PGP PRIVATE KEY BLOCK-----");
    PgConnectionSettings test = TestPostgres.settings();
    // The test cluster plays a provisioned instance too, under the secret the registry assigns it.
    secrets.write(ServerNames.instanceSecret("scratch-1"), TestPostgres.password());
    ServerRegistry registry = new ServerRegistry(test, secrets, name -> Optional.empty());
    registry.record(
        new ServerRegistry.Entry(
            "instance:scratch-1",
            test.host(),
            test.port(),
            TestPostgres.SUPERUSER,
            ServerNames.instanceSecret("scratch-1")));
    servers = new PgServers(TestPostgres.client(), secrets, registry);
    attacker = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread accept =
        new Thread(
            () -> {
              while (!attacker.isClosed()) {
                try (Socket s = attacker.accept()) {
                  reached.incrementAndGet();
                } catch (IOException e) {
                  return;
                }
              }
            });
    accept.setDaemon(true);
    accept.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    attacker.close();
  }

  /**
   * A registry entry without a password secret means "a recovered physical copy of production":
   * production's password goes to such an entry only on this host's loopback or at an RDS endpoint,
   * never to whatever host an entry names.
   */
  @Test
  void productionsPasswordGoesOnlyToARecoveredCopyOnLoopbackOrAnRdsEndpoint() {
    ServerRegistry registry = servers.registry();
    registry.record(
        new ServerRegistry.Entry(
            "instance:elsewhere", "db.attacker.example", 5432, TestPostgres.SUPERUSER, null));
    var refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.temporal.failure.ApplicationFailure.class,
            () -> servers.client(PgServer.named("instance:elsewhere")));
    org.junit.jupiter.api.Assertions.assertTrue(
        refused.getOriginalMessage().contains("production's password is not sent there"),
        refused.getOriginalMessage());
    org.junit.jupiter.api.Assertions.assertTrue(
        PgServers.isRecoveredCopyHost("flowviz-pitr.c9akciq32.us-east-1.rds.amazonaws.com"));
    org.junit.jupiter.api.Assertions.assertTrue(PgServers.isRecoveredCopyHost("127.0.0.1"));
    org.junit.jupiter.api.Assertions.assertFalse(
        PgServers.isRecoveredCopyHost("rds.amazonaws.com.attacker.example"));
  }

  @Test
  void serversTheRegistryDoesNotKnowAreRefusedBeforeAnySecretIsReadOrHostReached() {
    int port = attacker.getLocalPort();
    String user = TestPostgres.SUPERUSER;
    Map<PgServer, String> attacks =
        Map.of(
            new PgServer("127.0.0.1", port, "admin", "flowviz/backup/gpg-private-key"),
                "is not the password of any server",
            new PgServer("127.0.0.1", port, user, ServerNames.instanceSecret("scratch-1")),
                "not 127.0.0.1:" + port,
            new PgServer("127.0.0.1", port, user, null), "not 127.0.0.1:" + port,
            new PgServer("127.0.0.1", port, user, ServerNames.instanceSecret("victim-db")),
                "no instance \"victim-db\" made by flowviz-dr",
            new PgServer(null, 0, null, "flowviz/backup/gpg-private-key", "instance:scratch-1"),
                "is not the one of server instance:scratch-1",
            new PgServer(null, 0, null, null, "instance:victim-db"), "no instance \"victim-db\"",
            new PgServer(null, 0, null, null, "stack:prod-dr"), "no stack \"prod-dr\"",
            new PgServer(null, 0, null, null, "10.0.0.5"), "is not one the worker knows");
    attacks.forEach(
        (server, why) -> {
          ApplicationFailure e =
              assertThrows(
                  ApplicationFailure.class,
                  () -> servers.client(server).connect("postgres"),
                  server.toString());
          assertTrue(e.isNonRetryable(), server.toString());
          assertEquals(FailureTypes.INVALID_INPUT, e.getType());
          assertTrue(e.getOriginalMessage().contains(why), server + ": " + e.getOriginalMessage());
          assertTrue(!e.getOriginalMessage().contains("BEGIN PGP"), "no secret in the message");
        });
    assertEquals(0, reached.get(), "the attacker's server was never reached");
  }

  @Test
  void aNamedServerAndItsOldShapedPayloadGetTheRegistrysEndpointAndSecret() throws Exception {
    PgConnectionSettings test = TestPostgres.settings();
    for (PgServer server :
        new PgServer[] {
          PgServer.named("instance:scratch-1"),
          new PgServer(
              test.host(),
              test.port(),
              TestPostgres.SUPERUSER,
              ServerNames.instanceSecret("scratch-1"))
        }) {
      try (Connection c = servers.client(server).connect("postgres");
          var rs = c.createStatement().executeQuery("SELECT 1")) {
        assertTrue(rs.next(), server.toString());
      }
    }
    assertEquals(servers.defaultClient(), servers.client(PgServer.named("production")));
  }
}
