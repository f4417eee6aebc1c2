package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What an accidental deletion cost and what a full restore would cost, table by table: the numbers
 * an operator weighs before choosing a surgical undelete or a full restore.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DataGap(String liveDatabase, String recoveredDatabase, List<TableGap> tables) {

  public long missingFromLive() {
    return tables.stream().mapToLong(TableGap::missingFromLive).sum();
  }

  public long newInLive() {
    return tables.stream().mapToLong(TableGap::newInLive).sum();
  }

  public long changedSinceBackup() {
    return tables.stream().mapToLong(TableGap::changedSinceBackup).sum();
  }

  /** e.g. "lots: 1 deleted, 2 new since the backup; qc_decisions: 2 deleted" */
  public String describe() {
    StringBuilder text = new StringBuilder();
    for (TableGap t : tables) {
      if (t.missingFromLive() == 0
          && t.newInLive() == 0
          && t.changedSinceBackup() == 0
          && t.comparedByKey()) {
        continue;
      }
      if (!text.isEmpty()) {
        text.append("; ");
      }
      text.append(t.table()).append(": ");
      if (!t.comparedByKey()) {
        text.append("no primary key, ")
            .append(t.rowsInBackup())
            .append(" rows in the backup, ")
            .append(t.rowsInLive())
            .append(" live");
        continue;
      }
      text.append(t.missingFromLive())
          .append(" deleted, ")
          .append(t.newInLive())
          .append(" new since the backup");
      if (t.changedSinceBackup() > 0) {
        text.append(", ").append(t.changedSinceBackup()).append(" changed");
      }
    }
    return text.isEmpty() ? "no difference" : text.toString();
  }
}
