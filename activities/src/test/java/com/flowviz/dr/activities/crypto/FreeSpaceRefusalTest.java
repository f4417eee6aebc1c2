package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A worker whose work directory cannot hold the backup twice (ciphertext and plaintext) refuses the
 * download at once, non-retryably, naming both figures: a real 2 MiB tmpfs as the work directory
 * and a 1.5 MiB object in moto_server. Needs root (mount); it runs as root in CI.
 */
class FreeSpaceRefusalTest {

  @TempDir Path dir;

  @Test
  void aDownloadThatWouldNotFitTwiceIsRefusedBeforeAnyByteIsWritten() throws Exception {
    Path small = Files.createDirectories(dir.resolve("small-volume"));
    run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", small.toString());
    try (GpgHome gpg = GpgHome.create()) {
      gpg.generateKey("backup@flowviz.com", GpgHome.KeyType.RSA, null);
      Path keyFile =
          Files.write(
              dir.resolve("key.asc"), gpg.exportSecretKey("backup@flowviz.com", null, true));
      S3Client s3 = TestMoto.s3();
      String bucket = TestMoto.newBucket(s3, "free-space");
      byte[] object = new byte[1536 * 1024];
      new Random(14).nextBytes(object);
      String key = "daily/flowviz_daily_20261201_020000.dump.gpg";
      var put = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(object));
      BackupObject backup =
          new BackupObject(
              bucket,
              key,
              Instant.parse("2026-12-01T02:00:00Z"),
              Instant.now(),
              object.length,
              "STANDARD",
              put.eTag());

      WorkDirectory workDirectory = new WorkDirectory(small.resolve("work"));
      TestActivityEnvironment env = TestActivityEnvironment.newInstance();
      try {
        env.registerActivitiesImplementations(
            new BackupDecryptionActivitiesImpl(
                new FilePrivateKeySource(keyFile, null),
                workDirectory,
                BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE))));
        BackupDecryptionActivities activities =
            TestActivities.stub(env, BackupDecryptionActivities.class);
        long started = System.nanoTime();
        ActivityFailure failure =
            assertThrows(ActivityFailure.class, () -> activities.downloadAndDecryptBackup(backup));
        long millis = (System.nanoTime() - started) / 1_000_000;

        ApplicationFailure cause = (ApplicationFailure) failure.getCause();
        assertEquals(FailureTypes.DISK_FULL, cause.getType(), cause.getOriginalMessage());
        assertTrue(cause.isNonRetryable());
        long free = Files.getFileStore(small).getUsableSpace();
        String message = cause.getOriginalMessage();
        assertTrue(message.contains("needs about " + (2L * object.length) + " bytes"), message);
        assertTrue(
            message.contains("which has " + free + " bytes"), message + " (free now " + free + ")");
        assertTrue(message.contains(small.resolve("work").toString()), message);
        assertTrue(
            millis < 10_000, "refused at once, not after a retry schedule: " + millis + " ms");
        try (var files = Files.walk(small)) {
          assertEquals(
              List.of(), files.filter(Files::isRegularFile).toList(), "nothing was written");
        }
      } finally {
        env.close();
      }
    } finally {
      run("umount", small.toString());
    }
  }

  private static void run(String... command) throws Exception {
    RequiredTools.find(command[0]);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
  }
}
