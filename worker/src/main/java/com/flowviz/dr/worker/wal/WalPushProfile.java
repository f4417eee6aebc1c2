package com.flowviz.dr.worker.wal;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.OpenPgpEncryptor;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.physical.wal.PlaintextDigest;
import com.flowviz.dr.activities.physical.wal.WalObjects;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * Where one WAL push's CPU goes (docs/benchmarks.md, "Where a push's CPU goes"): the steps {@code
 * flowviz-wal push} takes, one by one, each charged with the process CPU (all threads: JIT and GC
 * included) it cost, then the same push repeated in this JVM to show what a resident archiver pays.
 * Writes its objects under {@code profile/} in the bucket, never under {@code wal/}. Diagnostic
 * only:
 *
 * <pre>
 * java -cp worker.jar com.flowviz.dr.worker.wal.WalPushProfile SEGMENT [repeats]
 * </pre>
 *
 * with the environment of {@link WalEnvironment}; one JSON object per run on stdout.
 */
public final class WalPushProfile {

  private final Map<String, Double> steps = new LinkedHashMap<>();
  private long last = cpuNanos();

  private WalPushProfile() {}

  public static void main(String[] args) throws Exception {
    double startup = cpuNanos() / 1e9;
    Path file = Path.of(args[0]);
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Map<String, String> env = System.getenv();
    for (int run = 0; run < repeats; run++) {
      WalPushProfile p = new WalPushProfile();
      if (run == 0) {
        p.steps.put("jvm_start_to_main", startup);
      }
      p.once(file, env, run);
      System.out.println(p.json(run));
    }
  }

  private void once(Path file, Map<String, String> env, int run) throws Exception {
    String bucket = env.getOrDefault("FLOWVIZ_WAL_BUCKET", WalEnvironment.DEFAULT_BUCKET);
    S3BackupStore s3 =
        new S3BackupStore(
            AwsClients.s3(env.get("FLOWVIZ_STORAGE_REGION"), env.get("FLOWVIZ_STORAGE_ENDPOINT")),
            S3BackupStore.DEFAULT_PART_SIZE);
    mark("s3_client_build");
    SecretStore secrets =
        "local".equalsIgnoreCase(env.getOrDefault("FLOWVIZ_SECRETS_BACKEND", "secretsmanager"))
            ? new LocalSecretStore(Path.of(env.get("FLOWVIZ_SECRETS_LOCAL_DIRECTORY")))
            : new SecretsManagerSecretStore(AwsClients.secretsManager(null, null));
    secrets.read(BackupSigningKey.DEFAULT_KEY_SECRET);
    secrets.read(BackupSigningKey.DEFAULT_PASSPHRASE_SECRET);
    mark("secrets_fetch");
    BackupSigningKey key =
        new BackupSigningKey(
            secrets,
            BackupSigningKey.DEFAULT_KEY_SECRET,
            BackupSigningKey.DEFAULT_PASSPHRASE_SECRET);
    BackupSigningKey.Signing signing = key.start();
    mark("signing_key_fetch_parse_unlock_bc_init");
    List<PGPPublicKey> recipients =
        new RecipientKeys(Path.of(env.get("FLOWVIZ_GPG_PUBLIC_KEY_FILE"))).load();
    mark("recipient_keys_load");
    byte[] plaintext = Files.readAllBytes(file);
    mark("read_segment");
    String sha256 = PlaintextDigest.sha256(plaintext);
    mark("sha256_plaintext");
    Deflater deflater = new Deflater(1);
    deflater.setInput(plaintext);
    deflater.finish();
    byte[] buffer = new byte[1 << 16];
    long compressed = 0;
    while (!deflater.finished()) {
      compressed += deflater.deflate(buffer);
    }
    deflater.end();
    mark("zlib_level1_alone");
    encrypt(plaintext, recipients, false);
    mark("openpgp_aes256_alone_uncompressed");
    byte[] ciphertext = encrypt(plaintext, recipients, true);
    mark("openpgp_encrypt_zlib_aes256_as_push");
    signing.update(ciphertext, 0, ciphertext.length);
    String signature = Base64.getEncoder().encodeToString(signing.finish());
    mark("sign_ciphertext");
    String objectKey =
        "profile/" + run + "/" + file.getFileName() + PhysicalArchiveLayout.WAL_SUFFIX;
    s3.metadata(bucket, objectKey);
    mark("s3_head");
    s3.createSmall(
        bucket,
        objectKey,
        ciphertext,
        WalObjects.CONTENT_TYPE,
        Map.of(WalObjects.SHA256_METADATA, sha256, WalObjects.SIGNATURE_METADATA, signature));
    mark("s3_put_if_none_match");
    steps.put("compressed_bytes", (double) compressed);
    steps.put("ciphertext_bytes", (double) ciphertext.length);
  }

  private static byte[] encrypt(byte[] plaintext, List<PGPPublicKey> recipients, boolean zlib)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length / 4 + 1024);
    try (OutputStream enc = OpenPgpEncryptor.encryptTo(out, recipients, "x", new Date(), zlib)) {
      enc.write(plaintext);
    }
    return out.toByteArray();
  }

  private void mark(String step) {
    long now = cpuNanos();
    steps.put(step, (now - last) / 1e9);
    last = now;
  }

  private String json(int run) {
    StringBuilder b = new StringBuilder("{\"run\": ").append(run);
    steps.forEach((k, v) -> b.append(", \"").append(k).append("\": ").append(round(v)));
    return b.append("}").toString();
  }

  private static String round(double v) {
    return v >= 1000 ? String.valueOf((long) v) : String.format("%.3f", v);
  }

  /** The whole process's CPU (user + system, all threads). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
