package com.flowviz.dr.workflows;

/**
 * Types of the non-retryable failures our workflows and activities raise. Operators and scripts can
 * match on them; each failure's message says what is wrong and what to do.
 */
public final class FailureTypes {
  public static final String INVALID_INPUT = "InvalidInput";
  public static final String BACKUP_NOT_FOUND = "BackupNotFound";
  public static final String BACKUP_ACCESS_DENIED = "BackupAccessDenied";
  public static final String BACKUP_CORRUPT = "BackupCorrupt";
  public static final String BACKUP_ARCHIVED = "BackupArchived";
  public static final String RETRIEVAL_TIMED_OUT = "RetrievalTimedOut";
  public static final String BACKUP_INTEGRITY_FAILED = "BackupIntegrityFailed";

  /**
   * A backup refused before download: named for a time after it was written, or its manifest names
   * another database.
   */
  public static final String BACKUP_REFUSED = "BackupRefused";

  public static final String DECRYPTION_KEY_MISMATCH = "DecryptionKeyMismatch";
  public static final String DECRYPTION_PASSPHRASE_WRONG = "DecryptionPassphraseWrong";
  public static final String NOT_OPENPGP = "NotOpenPgp";
  public static final String NOT_A_PG_DUMP = "NotAPgDumpArchive";
  public static final String KEY_UNAVAILABLE = "KeyUnavailable";
  public static final String PG_RESTORE_FAILED = "PgRestoreFailed";
  public static final String PG_VERSION_MISMATCH = "PgVersionMismatch";
  public static final String VERIFICATION_FAILED = "VerificationFailed";
  public static final String SWAP_REFUSED = "SwapRefused";
  public static final String CONFIGURATION = "ConfigurationError";
  public static final String UNDELETE_CONFLICT = "UndeleteConflict";
  public static final String CREDENTIALS_UNAVAILABLE = "CredentialsUnavailable";

  /** Another procedure holds the database's lease; the failure's details name it. */
  public static final String DATABASE_BUSY = "DatabaseBusy";

  /**
   * Another workflow restores onto (or already restored) the instance of that name; the message
   * names it. Nothing was changed.
   */
  public static final String INSTANCE_CLAIMED = "InstanceClaimed";

  /** The live database changed after it was compared; compare again before replacing it. */
  public static final String LIVE_DATABASE_CHANGED = "LiveDatabaseChanged";

  /** A table or column a query needs does not exist: the schema is not what the query expects. */
  public static final String SCHEMA_MISMATCH = "SchemaMismatch";

  /**
   * The database server or the worker host has no room for the data; a retry would meet a full disk
   * again.
   */
  public static final String DISK_FULL = "DiskFull";

  /**
   * Retryable: the database server is unreachable, shutting down or starting; another attempt may
   * reach it.
   */
  public static final String DATABASE_UNAVAILABLE = "DatabaseUnavailable";

  /** A person rejected (or did not answer) a swap held at a gate; nothing was swapped. */
  public static final String SWAP_NOT_APPROVED = "SwapNotApproved";

  /**
   * The cluster cannot take a base backup whose WAL reaches the archive: {@code wal_level=minimal},
   * {@code archive_mode=off}, no {@code archive_command}, no replication permission (role or
   * pg_hba.conf). The message names the setting and how to change it.
   */
  public static final String ARCHIVING_NOT_CONFIGURED = "ArchivingNotConfigured";

  private FailureTypes() {}
}
