package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One table's difference between the live database and a restored backup, by primary key.
 *
 * @param missingFromLive rows the backup holds that the live database lost (what was deleted)
 * @param newInLive rows written since the backup (what a full restore would lose)
 * @param changedSinceBackup rows in both whose content differs (a full restore would undo the
 *     change)
 * @param sampleMissingKeys the first few missing keys, as PostgreSQL prints the key's row
 * @param comparedByKey false for a table without a primary key: only counts are compared then
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableGap(
    String table,
    List<String> primaryKey,
    long rowsInBackup,
    long rowsInLive,
    long missingFromLive,
    long newInLive,
    long changedSinceBackup,
    List<String> sampleMissingKeys,
    boolean comparedByKey) {}
