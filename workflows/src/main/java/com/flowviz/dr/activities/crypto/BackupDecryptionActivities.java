package com.flowviz.dr.activities.crypto;

import com.flowviz.dr.activities.storage.DownloadedBackup;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** OpenPGP decryption with the backup private key, which never leaves this activity. */
@ActivityInterface
public interface BackupDecryptionActivities {

  /**
   * Decrypts the downloaded backup into a private work file, checks its integrity (MDC) and that
   * the plaintext is a pg_dump custom-format archive. Runs on the host queue.
   */
  @ActivityMethod
  DecryptedBackup decryptBackup(DownloadedBackup downloaded);
}
