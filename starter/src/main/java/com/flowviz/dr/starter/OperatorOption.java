package com.flowviz.dr.starter;

import picocli.CommandLine.Option;

/** {@code --operator}: who runs the procedure, for the audit trail; $USER unless given. */
class OperatorOption {
  @Option(names = "--operator", description = "default: $USER")
  String operator;

  String operator() {
    return Ids.operator(operator);
  }
}
