package com.flowviz.dr.starter;

import picocli.CommandLine.Option;

/** Which daily backup to restore: a key, or the newest (before an instant, when given). */
class BackupChoiceOptions {
  @Option(
      names = "--backup",
      defaultValue = "latest",
      description = "object key, or latest (default)")
  String backup;

  @Option(
      names = "--before",
      description = "with latest: the newest backup taken before this ISO-8601 instant")
  String before;
}
