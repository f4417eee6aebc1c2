package com.flowviz.dr.activities.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the programs the tests need; a missing one fails the test loudly, never skips it. */
public final class RequiredTools {
  private RequiredTools() {}

  public static String find(String program) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.add(System.getProperty("user.home") + "/.pyenv/shims");
    dirs.add("/usr/local/bin");
    for (String dir : dirs) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(
        "The tests need `"
            + program
            + "`, which is not installed (looked in PATH and ~/.pyenv/shims)."
            + " Run .ci/run, which installs what a fresh machine lacks.");
  }
}
