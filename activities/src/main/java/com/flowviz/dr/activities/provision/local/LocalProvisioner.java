package com.flowviz.dr.activities.provision.local;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Instances as private clusters on this machine (initdb/pg_ctl on a free loopback port), under
 * {@code <root>/<name>}: what the demo and the tests provision. The port is kept in
 * {@code instance.port}, so a restarted worker finds the same instance on the same port.
 */
public final class LocalProvisioner implements Provisioner {

  static final String ADMIN = "admin";
  private final Path root;
  private final PgBinaries binaries;

  public LocalProvisioner(Path root, PgBinaries binaries) {
    this.root = root.toAbsolutePath();
    this.binaries = binaries;
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public Optional<Endpoint> find(InstanceSpec spec) {
    Path home = root.resolve(spec.name());
    if (!Files.isRegularFile(home.resolve("data/PG_VERSION"))) {
      return Optional.empty();
    }
    LocalPostgresCluster cluster = LocalPostgresCluster.start(home, port(home), ADMIN, "unused: the cluster exists", binaries);
    return Optional.of(endpoint(cluster));
  }

  @Override
  public Endpoint create(InstanceSpec spec, String adminPassword) {
    Path home = root.resolve(spec.name());
    try {
      Files.createDirectories(home);
      Path portFile = home.resolve("instance.port");
      if (!Files.isRegularFile(portFile)) {
        Files.writeString(portFile, Integer.toString(LocalPostgresCluster.freePort()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return endpoint(LocalPostgresCluster.start(home, port(home), ADMIN, adminPassword, binaries));
  }

  @Override
  public boolean destroy(InstanceSpec spec, String adminPassword) {
    Path home = root.resolve(spec.name());
    if (!Files.exists(home)) {
      return false;
    }
    LocalPostgresCluster.existing(home, binaries).destroy();
    return true;
  }

  private static Endpoint endpoint(LocalPostgresCluster cluster) {
    return new Endpoint("127.0.0.1", cluster.port(), ADMIN, "local cluster " + cluster.home());
  }

  private static int port(Path home) {
    try {
      return Integer.parseInt(Files.readString(home.resolve("instance.port")).trim());
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("The local instance in " + home + " has no readable instance.port", e);
    }
  }
}
