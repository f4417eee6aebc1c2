package com.flowviz.dr.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.workhost.WorkHostActivities;
import io.temporal.activity.ActivityInterface;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker registers the activity beans marked {@link RegisteredActivities}: a forgotten mark
 * shows here, not as a workflow whose activities time out unscheduled on a running worker.
 */
class RegisteredActivitiesTest {

  @Test
  void everyActivityInterfaceHasOneRegisteredImplementation() throws Exception {
    List<Class<?>> implemented =
        registeredBeanMethods()
            .flatMap(m -> Arrays.stream(m.getReturnType().getInterfaces()))
            .filter(i -> i.isAnnotationPresent(ActivityInterface.class))
            .collect(Collectors.toList());
    assertEquals(names(activityInterfaces()), names(implemented));
    assertEquals(implemented.size(), Set.copyOf(implemented).size(), "one implementation each");
  }

  @Test
  void thisHostsQueueServesTheActivitiesThatWorkOnItsFiles() {
    Set<String> onHostQueue =
        registeredBeanMethods()
            .filter(m -> m.getAnnotation(RegisteredActivities.class).alsoOnHostQueue())
            .flatMap(m -> Arrays.stream(m.getReturnType().getInterfaces()))
            .map(Class::getSimpleName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        names(
            List.of(
                BackupStorageActivities.class,
                BackupDecryptionActivities.class,
                PostgresActivities.class,
                // restore and recovery of a point-in-time instance on the host holding its data
                PointInTimeActivities.class,
                // runbook 5.1/5.2 on a recovered instance, which listens on its host's loopback
                VerificationActivities.class,
                WorkHostActivities.class)),
        onHostQueue);
  }

  private static Stream<Method> registeredBeanMethods() {
    return Arrays.stream(ActivitiesFactory.class.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(RegisteredActivities.class));
  }

  /** Every {@code @ActivityInterface} in the workflows module, where the workflows call them. */
  private static List<Class<?>> activityInterfaces() throws IOException, URISyntaxException {
    Path location =
        Path.of(
            BackupStorageActivities.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    if (Files.isDirectory(location)) {
      return activityInterfacesUnder(location);
    }
    try (FileSystem jar = FileSystems.newFileSystem(location)) {
      return activityInterfacesUnder(jar.getPath("/"));
    }
  }

  private static List<Class<?>> activityInterfacesUnder(Path root) throws IOException {
    Path activities = root.resolve("com/flowviz/dr/activities");
    try (Stream<Path> files = Files.walk(activities)) {
      return files
          .map(f -> root.relativize(f).toString())
          .filter(f -> f.endsWith(".class") && !f.contains("$"))
          .map(f -> load(f.substring(0, f.length() - ".class".length()).replace('/', '.')))
          .filter(c -> c.isAnnotationPresent(ActivityInterface.class))
          .collect(Collectors.toList());
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, RegisteredActivitiesTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> names(List<Class<?>> classes) {
    return classes.stream()
        .map(Class::getSimpleName)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
