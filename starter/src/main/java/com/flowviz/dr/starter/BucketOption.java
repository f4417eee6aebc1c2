package com.flowviz.dr.starter;

import picocli.CommandLine.Option;

/** {@code --bucket}: the backup bucket; the worker's default (flowviz-backups) unless given. */
class BucketOption {
  @Option(names = "--bucket", description = "default: flowviz-backups")
  String bucket;
}
