package com.flowviz.dr.worker.dev;

import com.flowviz.dr.activities.crypto.OpenPgpKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyEncryptorBuilder;

/**
 * A backup key pair for the demo, shaped like gpg's default (RSA 3072 signing primary key, RSA 3072
 * encryption subkey), the private key protected by a generated passphrase. Written as gpg exports
 * them, so an operator can {@code gpg --import} them and decrypt demo backups by hand.
 */
final class DevKeys {

  record KeyFiles(Path publicKey, Path privateKey, Path passphrase) {}

  private DevKeys() {}

  static KeyFiles ensure(Path dir) throws IOException, PGPException, GeneralSecurityException {
    return ensure(dir, "backup", "FlowViz Backup (demo) <backup@flowviz.com>");
  }

  /**
   * The demo's signing key: a key pair of its own, as in production (docs/key-rotation.md), so that
   * the key which decrypts backups is never the one that vouches for them.
   */
  static KeyFiles ensureSigning(Path dir)
      throws IOException, PGPException, GeneralSecurityException {
    return ensure(dir, "signing", "FlowViz Backup Signing (demo) <backup-signing@flowviz.com>");
  }

  private static KeyFiles ensure(Path dir, String name, String userId)
      throws IOException, PGPException, GeneralSecurityException {
    KeyFiles files =
        new KeyFiles(
            dir.resolve(name + "-public.asc"),
            dir.resolve(name + "-private.asc"),
            dir.resolve(name + "-passphrase"));
    if (Files.isRegularFile(files.privateKey()) && Files.isRegularFile(files.publicKey())) {
      return files;
    }
    OpenPgpKeys.init();
    Files.createDirectories(dir);
    char[] passphrase = randomPassphrase();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA", OpenPgpKeys.BC);
    rsa.initialize(3072, new SecureRandom());
    Date now = new Date();
    JcaPGPKeyPair primary =
        new JcaPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa.generateKeyPair(), now);
    JcaPGPKeyPair encryption =
        new JcaPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa.generateKeyPair(), now);

    PGPSignatureSubpacketGenerator primaryFlags = new PGPSignatureSubpacketGenerator();
    primaryFlags.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
    primaryFlags.setPreferredSymmetricAlgorithms(
        false, new int[] {SymmetricKeyAlgorithmTags.AES_256});
    PGPSignatureSubpacketGenerator subkeyFlags = new PGPSignatureSubpacketGenerator();
    subkeyFlags.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);

    PGPDigestCalculator sha1 =
        new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
    PGPKeyRingGenerator generator =
        new PGPKeyRingGenerator(
            PGPSignature.POSITIVE_CERTIFICATION,
            primary,
            userId,
            sha1,
            primaryFlags.generate(),
            null,
            new JcaPGPContentSignerBuilder(
                    primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                .setProvider(OpenPgpKeys.BC),
            new JcePBESecretKeyEncryptorBuilder(
                    SymmetricKeyAlgorithmTags.AES_256,
                    new JcaPGPDigestCalculatorProviderBuilder()
                        .build()
                        .get(HashAlgorithmTags.SHA256))
                .setProvider(OpenPgpKeys.BC)
                .build(passphrase));
    generator.addSubKey(encryption, subkeyFlags.generate(), null);

    writePrivate(files.passphrase(), new String(passphrase).getBytes(StandardCharsets.UTF_8));
    Arrays.fill(passphrase, '\0');
    writePrivate(files.privateKey(), armored(out -> generator.generateSecretKeyRing().encode(out)));
    Files.write(files.publicKey(), armored(out -> generator.generatePublicKeyRing().encode(out)));
    return files;
  }

  private interface Encoder {
    void encode(OutputStream out) throws IOException;
  }

  private static byte[] armored(Encoder encoder) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArmoredOutputStream armor = new ArmoredOutputStream(bytes)) {
      encoder.encode(armor);
    }
    return bytes.toByteArray();
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, content);
  }

  private static char[] randomPassphrase() {
    String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    char[] passphrase = new char[32];
    for (int i = 0; i < passphrase.length; i++) {
      passphrase[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return passphrase;
  }
}
