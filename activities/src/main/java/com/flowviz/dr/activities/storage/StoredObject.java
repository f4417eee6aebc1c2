package com.flowviz.dr.activities.storage;

import java.time.Instant;

/**
 * An object as the store describes it.
 *
 * @param restore the x-amz-restore header of an archived object (e.g. {@code
 *     ongoing-request="true"}), or null
 * @param archiveStatus Intelligent-Tiering's x-amz-archive-status (ARCHIVE_ACCESS,
 *     DEEP_ARCHIVE_ACCESS), or null
 */
public record StoredObject(
    String bucket,
    String key,
    long size,
    Instant lastModified,
    String storageClass,
    String etag,
    String restore,
    String archiveStatus) {}
