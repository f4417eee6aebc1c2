package com.flowviz.dr.workflows.restore;

import static com.flowviz.dr.workflows.restore.RestoreSteps.UNSIGNED_BACKUP_ACCEPTED;
import static com.flowviz.dr.workflows.restore.RestoreSteps.VERIFY_MANIFEST_SIGNATURE;

import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.crypto.ManifestCheck;
import com.flowviz.dr.activities.crypto.SignatureCheck;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.common.WorkHost;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * Proving a backup authentic before it is used (issue 15): when the worker has trusted signer keys,
 * the manifest's signature is checked before anything reads it and the backup's before pg_restore
 * reads a byte of it. A backup without signatures is refused unless the request accepted it with a
 * reason, which the audit trail keeps; after a breach (2.4) never, and 2.4 does not start at all
 * without signer keys.
 */
final class BackupAuthenticity {

  /**
   * Workflow.getVersion change id: every restore verifies signatures when signer keys are
   * configured.
   */
  static final String CHANGE_ID = "restore-verifies-signatures";

  private final BackupDecryptionActivities anyWorker =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.QUICK);
  private final RestorePlan plan;
  private final StepTracker steps;
  private final AuditTrail trail;
  private final BackupObject backup;
  private boolean signersConfigured;
  private String signers;

  BackupAuthenticity(RestorePlan plan, StepTracker steps, AuditTrail trail, BackupObject backup) {
    this.plan = plan;
    this.steps = steps;
    this.trail = trail;
    this.backup = backup;
  }

  /**
   * Checks the manifest's signature; returns the manifest read from the bytes that were checked
   * ({@code read}, the one read before, when there is nothing to check it with).
   */
  BackupManifest verifiedManifest(BackupManifest read) {
    ManifestCheck check;
    try {
      check = anyWorker.verifyManifestSignature(backup);
    } catch (RuntimeException e) {
      return failStep(VERIFY_MANIFEST_SIGNATURE, e);
    }
    signersConfigured = check.signersConfigured();
    signers = check.signersDescription();
    if (!signersConfigured) {
      if (plan.strictIntegrity()) {
        failStep(
            VERIFY_MANIFEST_SIGNATURE,
            ApplicationFailure.newNonRetryableFailure(
                "Scenario 2.4 restores only a backup proven authentic by a trusted signature, and"
                    + " this worker has no trusted signer keys. Configure them"
                    + " (flowviz.gpg.trusted-signers-file, flowviz.gpg.trusted-signers-secret-id or"
                    + " flowviz.gpg.signer-public-key-file; see docs/key-rotation.md) and start"
                    + " again. Nothing was changed.",
                FailureTypes.CONFIGURATION));
      }
      // A finding in the audit trail rather than a step: the restore's steps are what it did.
      trail.record(
          VERIFY_MANIFEST_SIGNATURE,
          StepRecord.SKIPPED,
          "no trusted signer keys configured (flowviz.gpg.trusted-signers-file"
              + " or -secret-id): the backup's authenticity was NOT checked");
      return read;
    }
    if (check.manifest() == null) {
      steps.skip(
          VERIFY_MANIFEST_SIGNATURE,
          "the backup has no manifest; its own signature is checked before it is used");
      return null;
    }
    SignatureCheck signature = check.signature();
    if (!signature.signed() && !plan.acceptUnsigned()) {
      failStep(
          VERIFY_MANIFEST_SIGNATURE, unsigned("manifest " + BackupManifest.keyFor(backup.key())));
    }
    steps.run(VERIFY_MANIFEST_SIGNATURE, () -> signature, this::describe);
    if (!signature.signed()) {
      acceptedUnsigned("manifest");
    }
    return check.manifest();
  }

  /**
   * Checks the downloaded backup's signature; before decryption on the strict path, before
   * pg_restore on the other.
   */
  void verifyBackup(WorkHost host, DownloadedBackup downloaded) {
    if (!signersConfigured) {
      return; // the trail says so already
    }
    SignatureCheck signature =
        steps.run(
            RestoreSteps.VERIFY_SIGNATURE,
            () -> host.decrypt().verifyBackupSignature(downloaded, backup, !plan.acceptUnsigned()),
            this::describe);
    if (!signature.signed()) {
      acceptedUnsigned("backup");
    }
  }

  private String describe(SignatureCheck c) {
    if (!c.signed()) {
      return "NOT signed; accepted without a signature by "
          + plan.operator()
          + ": "
          + plan.unsignedReason();
    }
    return "signed by key "
        + c.signerKeyId()
        + (c.signerName() == null ? "" : " (" + c.signerName() + ")")
        + (c.signedAt() == null ? "" : " at " + c.signedAt())
        + ", trusted then ("
        + c.signatureKey()
        + ")";
  }

  private void acceptedUnsigned(String what) {
    trail.record(
        UNSIGNED_BACKUP_ACCEPTED,
        StepRecord.SUCCEEDED,
        "the "
            + what
            + " of "
            + backup.uri()
            + " is not signed; "
            + plan.operator()
            + " accepted it: "
            + plan.unsignedReason());
  }

  private ApplicationFailure unsigned(String what) {
    return ApplicationFailure.newNonRetryableFailure(
        "The "
            + what
            + " of "
            + backup.uri()
            + " has no signature (.sig), and this worker restores only backups signed by a"
            + " trusted signer ("
            + signers
            + "): anyone who can write to the bucket could have placed it. Restore a signed backup;"
            + " if this one was made by hand and you trust it, start again with acceptUnsigned and"
            + " an unsignedReason (flowviz-dr restore --accept-unsigned --reason ...). Nothing was"
            + " changed.",
        FailureTypes.BACKUP_INTEGRITY_FAILED);
  }

  /** Records the step as FAILED with the failure's message, and throws it. */
  private <T> T failStep(String step, RuntimeException e) {
    return steps.run(
        step,
        () -> {
          throw e;
        },
        ignored -> "");
  }
}
