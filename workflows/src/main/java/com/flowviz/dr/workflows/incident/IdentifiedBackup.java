package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;

/** The backup the checklist found, and what was learned about it. */
record IdentifiedBackup(BackupObject backup, BackupManifest manifest, ArchiveHeader header) {}
