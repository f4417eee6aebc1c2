package com.flowviz.dr.activities.bench;

import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.OpenPgpDecryptor;
import com.flowviz.dr.activities.crypto.OpenPgpKeys;
import com.flowviz.dr.activities.crypto.PrivateKeyMaterial;
import com.flowviz.dr.activities.testing.GpgHome;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decrypting one gpg-encrypted file, four ways, in one run: the project's decryptor, Bouncy Castle
 * as it is usually written (JCA providers, and the lightweight classes), and the gpg CLI. The file
 * is made by {@code gpg --encrypt} (AES-256, MDC; uncompressed, or gpg's default ZLIB with {@code
 * compressed=true}). Run with {@code deploy/bench/decrypt.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx256m"})
public class DecryptBenchmark {

  @Param({"1024"})
  public int sizeMiB;

  @Param({"false"})
  public boolean compressed;

  private GpgHome gpg;
  private Path dir;
  private Path ciphertext;
  private FilePrivateKeySource key;

  @Setup
  public void encrypt() throws IOException {
    OpenPgpKeys.init();
    gpg = GpgHome.create();
    gpg.generateKey("bench@flowviz.com", GpgHome.KeyType.RSA, null);
    dir = Files.createTempDirectory("flowviz-dr-bench");
    Path plaintext = dir.resolve("plain.bin");
    // Half random, half repetitive: like a pg_dump archive, compressible in parts.
    byte[] block = new byte[1 << 20];
    Random random = new Random(42);
    try (OutputStream out = Files.newOutputStream(plaintext)) {
      for (int i = 0; i < sizeMiB; i++) {
        if (i % 2 == 0) {
          random.nextBytes(block);
        } else {
          Arrays.fill(block, (byte) ('a' + i % 26));
        }
        out.write(block);
      }
    }
    ciphertext = dir.resolve("plain.bin.gpg");
    gpg.encrypt(plaintext, ciphertext, List.of("bench@flowviz.com"), false, compressed);
    Files.delete(plaintext);
    key =
        new FilePrivateKeySource(
            Files.write(
                dir.resolve("key.asc"), gpg.exportSecretKey("bench@flowviz.com", null, true)),
            null);
  }

  @TearDown
  public void cleanUp() throws IOException {
    gpg.close();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public long project() throws Exception {
    try (PrivateKeyMaterial k = key.load();
        InputStream in = Files.newInputStream(ciphertext)) {
      return OpenPgpDecryptor.decrypt(in, k, OutputStream.nullOutputStream(), bytes -> {})
          .plaintextBytes();
    }
  }

  @Benchmark
  public long bouncyCastleJca() throws Exception {
    return straightforward(true);
  }

  @Benchmark
  public long bouncyCastleLightweight() throws Exception {
    return straightforward(false);
  }

  @Benchmark
  public int gpgCli() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                "gpg",
                "--batch",
                "--quiet",
                "--yes",
                "--decrypt",
                "--output",
                "/dev/null",
                ciphertext.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("GNUPGHOME", gpg.home().toString());
    int exit = builder.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("gpg --decrypt exited " + exit);
    }
    return exit;
  }

  /** Decryption as the Bouncy Castle examples write it. */
  private long straightforward(boolean jca) throws Exception {
    try (PrivateKeyMaterial k = key.load();
        InputStream in = new BufferedInputStream(Files.newInputStream(ciphertext), 1 << 16)) {
      PGPSecretKeyRingCollection keys =
          new PGPSecretKeyRingCollection(
              PGPUtil.getDecoderStream(new ByteArrayInputStream(k.exportedKey())),
              new JcaKeyFingerprintCalculator());
      JcaPGPObjectFactory factory = new JcaPGPObjectFactory(PGPUtil.getDecoderStream(in));
      PGPEncryptedDataList list = (PGPEncryptedDataList) factory.nextObject();
      PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) list.get(0);
      PGPPrivateKey privateKey =
          keys.getSecretKey(data.getKeyID())
              .extractPrivateKey(
                  new JcePBESecretKeyDecryptorBuilder().setProvider("BC").build(new char[0]));
      InputStream clear =
          data.getDataStream(
              jca
                  ? new JcePublicKeyDataDecryptorFactoryBuilder()
                      .build(privateKey) // the JDK's providers: SunJCE AES/CFB
                  : new BcPublicKeyDataDecryptorFactory(privateKey));
      Object message = new JcaPGPObjectFactory(clear).nextObject();
      if (message instanceof PGPCompressedData c) {
        message = new JcaPGPObjectFactory(c.getDataStream()).nextObject();
      }
      long total = 0;
      try (InputStream literal = ((PGPLiteralData) message).getInputStream()) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = literal.read(buffer)) > 0; ) {
          total += n;
        }
      }
      if (!data.verify()) {
        throw new IllegalStateException("integrity check failed");
      }
      return total;
    }
  }
}
