package com.flowviz.dr.starter;

import picocli.CommandLine.Option;

/** {@code --json}: the output for scripts, as every command that prints a result offers it. */
class JsonOption {
  @Option(names = "--json", description = "print JSON for scripts")
  boolean json;
}
