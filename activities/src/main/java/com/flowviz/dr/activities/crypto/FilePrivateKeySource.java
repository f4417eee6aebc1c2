package com.flowviz.dr.activities.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The private key (as {@code gpg --export-secret-keys} writes it) and its passphrase in local
 * files.
 */
public final class FilePrivateKeySource implements PrivateKeySource {
  private final Path keyFile;
  private final Path passphraseFile;

  /**
   * @param passphraseFile null when the key has no passphrase
   */
  public FilePrivateKeySource(Path keyFile, Path passphraseFile) {
    this.keyFile = keyFile;
    this.passphraseFile = passphraseFile;
  }

  @Override
  public PrivateKeyMaterial load() throws KeyUnavailableException {
    byte[] key;
    try {
      key = Files.readAllBytes(keyFile);
    } catch (NoSuchFileException e) {
      throw new KeyUnavailableException(
          "The backup private key file "
              + keyFile
              + " does not exist. Export it with `gpg --export-secret-keys"
              + " --armor backup@flowviz.com` or configure the Secrets Manager secret instead.");
    } catch (IOException e) {
      throw new KeyUnavailableException(
          "The backup private key file " + keyFile + " cannot be read: " + e.getMessage());
    }
    char[] passphrase = null;
    if (passphraseFile != null) {
      try {
        byte[] bytes = Files.readAllBytes(passphraseFile);
        passphrase = decodeLine(bytes);
        Arrays.fill(bytes, (byte) 0);
      } catch (IOException e) {
        Arrays.fill(key, (byte) 0);
        throw new KeyUnavailableException(
            "The passphrase file " + passphraseFile + " cannot be read: " + e.getMessage());
      }
    }
    return new PrivateKeyMaterial(key, passphrase, "file " + keyFile);
  }

  /** UTF-8 without a trailing newline, never through a String (which could not be wiped). */
  public static char[] decodeLine(byte[] bytes) {
    CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
    int end = chars.limit();
    while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
      end--;
    }
    char[] result = new char[end];
    chars.get(result, 0, end);
    Arrays.fill(chars.array(), '\0');
    return result;
  }

  @Override
  public String describe() {
    return "file " + keyFile;
  }
}
