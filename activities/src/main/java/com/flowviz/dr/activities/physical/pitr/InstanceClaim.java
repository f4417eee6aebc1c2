package com.flowviz.dr.activities.physical.pitr;

import com.flowviz.dr.activities.common.CallingWorkflow;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which workflow owns a point-in-time recovery's instance, and which attempt works on it now.
 *
 * <p>Two operators who recover onto the same instance name would otherwise share one staging
 * directory: the second's start deletes what the first is extracting, and both start a server on
 * one data directory. The first restore writes {@code flowviz-dr.owner} (created exclusively, so
 * exactly one of two racing restores wins) naming its workflow; every later restore or recovery of
 * another workflow is refused, non-retryably, naming the owner. Retries of the owner's own
 * activities pass.
 *
 * <p>Within the owner, an attempt the server gave up on (a heartbeat timeout while its worker was
 * cut off) may still run when the retry starts: each attempt holds an OS lock on {@code
 * flowviz-dr.lock} for its whole run, and a second attempt that finds it held fails retryably, to
 * start again once the first has ended. The lock goes with the process, so a killed worker never
 * leaves it behind.
 */
final class InstanceClaim implements AutoCloseable {

  static final String OWNER = "flowviz-dr.owner";
  static final String LOCK = "flowviz-dr.lock";

  /** Type of the retryable failure of an attempt that found another attempt still working. */
  static final String ATTEMPT_BUSY = "InstanceAttemptBusy";

  /** The lock files this process holds, one attempt each. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceClaim(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /** The calling activity's workflow (see {@link CallingWorkflow}). */
  static String callingOwner() {
    return CallingWorkflow.owner();
  }

  /** Claims the instance for {@code owner} (the first time) and locks it for this attempt. */
  static InstanceClaim take(Path home, String instance, String owner) throws IOException {
    Files.createDirectories(home);
    Path ownerFile = home.resolve(OWNER);
    // Written whole under a name of its own, then linked into place: link(2) fails when the owner
    // file exists, so exactly one of two racing restores wins, and nobody ever reads half a file.
    Path written = Files.createTempFile(home, OWNER, ".new");
    try {
      Map<String, String> record = new LinkedHashMap<>();
      record.put("owner", owner);
      record.put("claimedAt", Instant.now().toString());
      Files.write(written, Json.MAPPER.writeValueAsBytes(record), StandardOpenOption.SYNC);
      Files.createLink(ownerFile, written);
    } catch (FileAlreadyExistsException claimed) {
      requireOwner(home, instance, owner);
    } finally {
      Files.deleteIfExists(written);
    }
    return lock(home, instance);
  }

  /**
   * Locks an instance this owner claimed before; an instance nobody claimed (restored before claims
   * existed) is claimed now.
   */
  static InstanceClaim resume(Path home, String instance, String owner) throws IOException {
    if (!Files.exists(home.resolve(OWNER))) {
      return take(home, instance, owner);
    }
    requireOwner(home, instance, owner);
    return lock(home, instance);
  }

  private static void requireOwner(Path home, String instance, String owner) throws IOException {
    var record = Json.MAPPER.readTree(Files.readAllBytes(home.resolve(OWNER)));
    String holder = record.path("owner").asText();
    if (!holder.equals(owner)) {
      throw NonRetryable.failure(
          FailureTypes.INSTANCE_CLAIMED,
          "Instance "
              + instance
              + " belongs to "
              + holder
              + " (claimed "
              + record.path("claimedAt").asText()
              + "), not to this "
              + owner
              + ": two recoveries onto one instance would overwrite each other. Nothing was"
              + " changed. Follow that workflow (flowviz-dr watch), choose another instance name,"
              + " or tear the instance down once it is no longer needed.");
    }
  }

  private static InstanceClaim lock(Path home, String instance) throws IOException {
    Path lockFile = home.resolve(LOCK).toAbsolutePath();
    // Within this process first, without opening the file: closing any channel to it would drop
    // the lock the running attempt holds (POSIX locks belong to the process, not the channel).
    if (!HELD.add(lockFile)) {
      throw busy(instance);
    }
    FileChannel channel;
    FileLock lock;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
    } catch (IOException | RuntimeException e) {
      HELD.remove(lockFile);
      throw e;
    }
    if (lock == null) {
      // Another process holds it: this process held none, so closing the channel drops nothing.
      channel.close();
      HELD.remove(lockFile);
      throw busy(instance);
    }
    return new InstanceClaim(lockFile, channel, lock);
  }

  private static ApplicationFailure busy(String instance) {
    return ApplicationFailure.newFailureWithCauseAndDelay(
        "An earlier attempt of this recovery is still working on instance "
            + instance
            + "; this attempt starts once it has ended.",
        ATTEMPT_BUSY,
        null,
        Duration.ofSeconds(10));
  }

  /**
   * Gives the instance up: a restore that was refused before anything usable was made (a tampered
   * or foreign backup) leaves the name free for the next recovery, which may choose another target.
   */
  void release(Path home) throws IOException {
    Files.deleteIfExists(home.resolve(OWNER));
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
      HELD.remove(lockFile);
    }
  }
}
