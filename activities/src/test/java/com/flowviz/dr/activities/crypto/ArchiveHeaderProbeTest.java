package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgToolVersion;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.PostgresActivitiesImpl;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Runbook 4.3's version awareness: the archive header is read from the first bytes of the encrypted
 * object, before the download, and held against the local pg_restore and the server.
 */
class ArchiveHeaderProbeTest {

  private static GpgHome gpg;
  @TempDir Path dir;
  private S3Client s3;
  private String bucket;
  private TestActivityEnvironment env;
  private BackupDecryptionActivities decryption;
  private PostgresActivities postgres;

  @BeforeAll
  static void keys() {
    gpg = GpgHome.create();
    gpg.generateKey("backup@flowviz.com", GpgHome.KeyType.RSA, null);
  }

  @AfterAll
  static void removeKeys() {
    gpg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "probe");
    Path keyFile =
        Files.write(dir.resolve("key.asc"), gpg.exportSecretKey("backup@flowviz.com", null, true));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupDecryptionActivitiesImpl(
            new FilePrivateKeySource(keyFile, null),
            new WorkDirectory(dir.resolve("work")),
            BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE))),
        new PostgresActivitiesImpl(
            TestPostgres.servers(),
            PgBinaries.locate(null),
            new WorkDirectory(dir.resolve("work")),
            1,
            List.of(),
            Set.of()));
    decryption = TestActivities.stub(env, BackupDecryptionActivities.class);
    postgres = TestActivities.stub(env, PostgresActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void readsTheVersionsFromTheFirstBytesOfAGpgEncryptedDump() throws Exception {
    String db = TestPostgres.newSampleDatabase("probe", 3000);
    BackupObject backup =
        put(
            "daily/probe_daily_20250119_020000.dump.gpg",
            encrypt(Files.readAllBytes(TestPostgres.pgDump(db, dir.resolve("x.dump")))));

    ArchiveHeader header = decryption.readArchiveHeader(backup, null);

    int local = PgToolVersion.of(PgBinaries.locate(null).program("pg_dump")).major();
    assertEquals("object head", header.source());
    assertEquals(local, header.serverMajor());
    assertTrue(header.pgDumpVersion().startsWith(local + "."), header.pgDumpVersion());
    postgres.checkRestoreCompatibility(header, null); // this machine's server and pg_restore fit
  }

  @Test
  void prefersTheManifestWhenThereIsOne() {
    BackupManifest manifest =
        new BackupManifest(
            1,
            "k",
            Instant.now(),
            "flowviz",
            "17.2",
            "17.2 (Debian 17.2-1)",
            1,
            1,
            "",
            "",
            List.of());
    ArchiveHeader header =
        decryption.readArchiveHeader(
            new BackupObject(bucket, "k.gpg", Instant.now(), Instant.now(), 1, "STANDARD", null),
            manifest);
    assertEquals("manifest", header.source());
    assertEquals("1.16", header.archiveVersion());
    assertEquals(17, header.serverMajor());
  }

  @Test
  void aBackupFromPostgres17IsRefusedNamingBothVersionsAndWhatToInstall() throws Exception {
    BackupObject backup =
        put("daily/pg17_daily_20250119_020000.dump.gpg", encrypt(postgres17Header()));
    ArchiveHeader header = decryption.readArchiveHeader(backup, null);
    assertEquals("1.16", header.archiveVersion());
    assertEquals("17.2", header.serverVersion());

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> postgres.checkRestoreCompatibility(header, null));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.PG_VERSION_MISMATCH, cause.getType());
    String message = cause.getOriginalMessage();
    String local = PgToolVersion.of(PgBinaries.locate(null).program("pg_restore")).version();
    assertTrue(message.contains("pg_dump 17.2") && message.contains(local), message);
    assertTrue(message.contains("postgresql-client-17"), message);
  }

  @Test
  void aServerOlderThanTheBackupIsRefused() {
    ArchiveHeader fromNewerServer = new ArchiveHeader("1.14", "15.8", "99.1", 99, "manifest");
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class, () -> postgres.checkRestoreCompatibility(fromNewerServer, null));
    String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
    assertTrue(message.contains("comes from PostgreSQL 99.1 but the target server runs"), message);
    assertTrue(message.contains("Provision PostgreSQL 99"), message);
  }

  private BackupObject put(String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    var head = s3.headObject(b -> b.bucket(bucket).key(key));
    return new BackupObject(
        bucket,
        key,
        Instant.now(),
        Instant.now(),
        content.length,
        "STANDARD",
        head.eTag().replace("\"", ""));
  }

  private byte[] encrypt(byte[] plaintext) throws Exception {
    Path in = Files.write(dir.resolve("plain-" + System.nanoTime()), plaintext);
    Path out = dir.resolve("cipher-" + System.nanoTime());
    gpg.encrypt(in, out, List.of("backup@flowviz.com"), false, true);
    return Files.readAllBytes(out);
  }

  /** The header pg_dump 17 writes (archive 1.16), followed by filler: enough for the probe. */
  private static byte[] postgres17Header() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {1, 16, 0, 4, 8, 1, 1});
    for (int i = 0; i < 7; i++) {
      writeInt(out, 1);
    }
    writeString(out, "flowviz");
    writeString(out, "17.2");
    writeString(out, "17.2");
    byte[] filler = new byte[100_000];
    new Random(17).nextBytes(filler);
    out.writeBytes(filler);
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(0);
    for (int i = 0; i < 4; i++) {
      out.write((value >> (8 * i)) & 0xff);
    }
  }

  private static void writeString(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    writeInt(out, bytes.length);
    out.writeBytes(bytes);
  }
}
