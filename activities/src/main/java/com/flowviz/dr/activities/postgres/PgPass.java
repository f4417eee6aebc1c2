package com.flowviz.dr.activities.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads libpq's password file ({@code hostname:port:database:username:password}, {@code *}
 * wildcards, {@code \:} and {@code \\} escapes). libpq ignores the file when others can read it; so
 * do we.
 */
final class PgPass {
  private PgPass() {}

  static String lookup(Path configured, String host, int port, String database, String user) {
    Path file = configured;
    if (file == null) {
      String home = System.getProperty("user.home");
      if (home == null) {
        return null;
      }
      file = Path.of(home, ".pgpass");
    }
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      if (Files.getPosixFilePermissions(file).stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        return null;
      }
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        List<String> fields = split(line);
        if (fields.size() != 5) {
          continue;
        }
        if (matches(fields.get(0), host)
            && matches(fields.get(1), Integer.toString(port))
            && matches(fields.get(2), database)
            && matches(fields.get(3), user)) {
          return fields.get(4);
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
    return null;
  }

  private static boolean matches(String pattern, String value) {
    return pattern.equals("*") || pattern.equals(value);
  }

  private static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        current.append(line.charAt(++i));
      } else if (c == ':' && fields.size() < 4) {
        fields.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    fields.add(current.toString());
    return fields;
  }
}
