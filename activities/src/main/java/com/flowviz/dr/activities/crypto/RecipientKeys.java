package com.flowviz.dr.activities.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

/**
 * The public keys backups are encrypted to, from a file as {@code gpg --export --armor} writes it.
 * Several keys in the file mean several recipients (e.g. a current and a break-glass key).
 */
public final class RecipientKeys {
  private final Path file;

  public RecipientKeys(Path file) {
    this.file = file;
  }

  public List<PGPPublicKey> load() throws PrivateKeySource.KeyUnavailableException {
    byte[] exported;
    try {
      exported = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PrivateKeySource.KeyUnavailableException(
          "The backup public key file "
              + file
              + " cannot be read ("
              + e.getMessage()
              + "). Export it with"
              + " `gpg --export --armor backup@flowviz.com > "
              + file
              + "`.");
    }
    List<PGPPublicKey> keys;
    PGPPublicKeyRingCollection rings;
    Date now = new Date();
    try {
      rings = OpenPgpKeys.publicKeys(exported);
      keys = OpenPgpKeys.encryptionKeys(rings, now);
    } catch (IOException | PGPException | RuntimeException e) {
      throw new PrivateKeySource.KeyUnavailableException(
          "The backup public key file " + file + " holds no OpenPGP public key.");
    }
    if (keys.isEmpty()) {
      throw new PrivateKeySource.KeyUnavailableException(
          "No key in "
              + file
              + " may encrypt now: "
              + OpenPgpKeys.whyNoneCanEncrypt(rings, now)
              + ". Put the current backup public key there (`gpg --export --armor"
              + " backup@flowviz.com`), or extend the key's expiry with `gpg --quick-set-expire`;"
              + " no backup is taken until then.");
    }
    return keys;
  }

  public String describe() {
    return "file " + file;
  }
}
