package com.flowviz.dr.activities.storage;

import java.io.IOException;

/** Store failures that retrying will not fix. */
public abstract class BackupStoreException extends IOException {

  protected BackupStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The bucket does not exist. */
  public static final class BucketNotFound extends BackupStoreException {
    public BucketNotFound(String bucket, Throwable cause) {
      super("The bucket " + bucket + " does not exist (or is in another account).", cause);
    }
  }

  /** The credentials may not read or write the bucket. */
  public static final class AccessDenied extends BackupStoreException {
    public AccessDenied(String bucket, String key, Throwable cause) {
      super(
          "Access to s3://"
              + bucket
              + "/"
              + (key == null ? "" : key)
              + " was denied. Check the worker's AWS identity (aws sts get-caller-identity) and the"
              + " bucket policy (aws s3api get-bucket-policy --bucket "
              + bucket
              + "), runbook section 8.",
          cause);
    }
  }

  /** The object is archived (Glacier, Deep Archive) and not restored. */
  public static final class ObjectArchived extends BackupStoreException {
    public ObjectArchived(String bucket, String key, Throwable cause) {
      super(
          "s3://"
              + bucket
              + "/"
              + key
              + " is archived in Glacier/Deep Archive and cannot be read until it is restored; use"
              + " the weekly-backup restore (runbook 4.2), which requests and waits for the"
              + " retrieval.",
          cause);
    }
  }

  /** The object was replaced while we read it. */
  public static final class ObjectChanged extends BackupStoreException {
    public ObjectChanged(String bucket, String key, Throwable cause) {
      super("s3://" + bucket + "/" + key + " changed while it was being downloaded.", cause);
    }
  }
}
