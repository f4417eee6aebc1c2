package com.flowviz.dr.activities.provision.local;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.provision.ForeignInstanceException;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.Provisioner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Instances as private clusters on this machine (initdb/pg_ctl on a free loopback port), under
 * {@code <root>/<name>}: what the demo and the tests provision. The port is kept in {@code
 * instance.port}, so a restarted worker finds the same instance on the same port. The file {@code
 * flowviz-dr.instance}, written before initdb, is the ownership mark: a directory without it
 * (someone else's cluster) is neither reused nor removed. Instances made before the mark carry
 * {@code instance.port}, which only this provisioner writes, and count as marked.
 */
public final class LocalProvisioner implements Provisioner {

  static final String ADMIN = "admin";
  public static final String MARK = "flowviz-dr.instance";
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
      requireMarkIfPresent(spec, home);
      return Optional.empty();
    }
    requireMarkIfPresent(spec, home);
    LocalPostgresCluster cluster =
        LocalPostgresCluster.start(home, port(home), ADMIN, "unused: the cluster exists", binaries);
    return Optional.of(endpoint(cluster));
  }

  @Override
  public Endpoint create(InstanceSpec spec, String adminPassword) {
    Path home = root.resolve(spec.name());
    try {
      requireMarkIfPresent(spec, home);
      Files.createDirectories(home);
      Files.writeString(home.resolve(MARK), spec.name() + "\n");
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
    requireMarkIfPresent(spec, home);
    LocalPostgresCluster.existing(home, binaries).destroy();
    return true;
  }

  /** A directory of that name that holds anything but no mark is someone else's. */
  private static void requireMarkIfPresent(InstanceSpec spec, Path home) {
    if (!Files.isDirectory(home) || isEmpty(home)) {
      return;
    }
    try {
      boolean marked =
          Files.isRegularFile(home.resolve(MARK))
              && Files.readString(home.resolve(MARK)).strip().equals(spec.name());
      if (!marked && !Files.isRegularFile(home.resolve("instance.port"))) {
        throw new ForeignInstanceException(spec.name(), "local directory " + home);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isEmpty(Path dir) {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Endpoint endpoint(LocalPostgresCluster cluster) {
    return new Endpoint("127.0.0.1", cluster.port(), ADMIN, "local cluster " + cluster.home());
  }

  private static int port(Path home) {
    try {
      return Integer.parseInt(Files.readString(home.resolve("instance.port")).trim());
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException(
          "The local instance in " + home + " has no readable instance.port", e);
    }
  }
}
