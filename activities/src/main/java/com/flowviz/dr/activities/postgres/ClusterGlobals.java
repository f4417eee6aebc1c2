package com.flowviz.dr.activities.postgres;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The roles of the server a backup was taken from, as {@code pg_dumpall --globals-only
 * --no-role-passwords} wrote them beside the backup: enough to create, on a new instance, the roles
 * the archive's objects belong to and are granted to. Passwords are not in it; the application
 * role's comes from its configured secret.
 */
public final class ClusterGlobals {

  /** The globals object's key ends so, beside the backup: never a candidate for "latest". */
  public static final String KEY_SUFFIX = ".globals.sql.gpg";

  /** The decrypted globals in a restore's work directory, beside the decrypted archive. */
  public static final String PLAINTEXT_FILE = "globals.sql";

  /** The encrypted globals as downloaded into the work directory. */
  public static final String CIPHERTEXT_FILE = "globals.sql.gpg";

  private static final String IDENT = ArchiveDatabase.IDENT;
  private static final Pattern CREATE_ROLE = Pattern.compile("^CREATE ROLE (" + IDENT + ");$");
  private static final Pattern ALTER_ROLE =
      Pattern.compile("^ALTER ROLE (" + IDENT + ") (?:WITH|SET|RESET) .*;$");
  private static final Pattern MEMBERSHIP =
      Pattern.compile("^GRANT (" + IDENT + ") TO (" + IDENT + ")(.*);$");
  private static final Pattern BACKUP_SUFFIX =
      Pattern.compile("\\.dump\\.(?:gpg|pgp|asc)$|\\.(?:gpg|pgp|asc)$");

  private final Map<String, List<String>> roles;
  private final Map<String, List<String>> memberships;

  private ClusterGlobals(Map<String, List<String>> roles, Map<String, List<String>> memberships) {
    this.roles = roles;
    this.memberships = memberships;
  }

  /**
   * {@code daily/flowviz_daily_20250119_020000.dump.gpg} has its globals in {@code
   * daily/flowviz_daily_20250119_020000.globals.sql.gpg}.
   */
  public static String keyFor(String backupKey) {
    return BACKUP_SUFFIX.matcher(backupKey).replaceFirst("") + KEY_SUFFIX;
  }

  public static boolean isGlobalsKey(String key) {
    return key.endsWith(KEY_SUFFIX);
  }

  /** Where the decrypted globals of the archive at {@code dump} are, if the backup had them. */
  public static Path besideArchive(Path dump) {
    return dump.resolveSibling(PLAINTEXT_FILE);
  }

  public static ClusterGlobals parse(String sql) {
    Map<String, List<String>> roles = new LinkedHashMap<>();
    Map<String, List<String>> memberships = new LinkedHashMap<>();
    for (String line : sql.lines().toList()) {
      if (!singleStatement(line)) {
        continue; // not a line pg_dumpall --globals-only --no-role-passwords writes: never run it
      }
      Matcher m;
      if ((m = CREATE_ROLE.matcher(line)).matches()) {
        roles
            .computeIfAbsent(ArchiveDatabase.unquote(m.group(1)), r -> new ArrayList<>())
            .add(strip(line));
      } else if ((m = ALTER_ROLE.matcher(line)).matches()) {
        roles
            .computeIfAbsent(ArchiveDatabase.unquote(m.group(1)), r -> new ArrayList<>())
            .add(strip(line));
      } else if ((m = MEMBERSHIP.matcher(line)).matches()) {
        // Without GRANTED BY: the grantor of the source server may not exist here.
        String options = m.group(3).replaceFirst(" GRANTED BY .*$", "");
        memberships
            .computeIfAbsent(ArchiveDatabase.unquote(m.group(2)), r -> new ArrayList<>())
            .add("GRANT " + m.group(1) + " TO " + m.group(2) + options);
      }
    }
    return new ClusterGlobals(roles, memberships);
  }

  public boolean defines(String role) {
    return roles.containsKey(role);
  }

  /** CREATE ROLE, its attributes and its own settings, as the source server had them. */
  public List<String> definitionOf(String role) {
    return roles.getOrDefault(role, List.of());
  }

  /** The roles {@code member} belonged to on the source server. */
  public List<String> membershipsOf(String member) {
    return memberships.getOrDefault(member, List.of());
  }

  /**
   * One statement and no password: a line with a second statement after a semicolon (outside a
   * quoted setting value) or a PASSWORD clause did not come from the backup's own pg_dumpall.
   */
  static boolean singleStatement(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\'') {
        quoted = !quoted;
      } else if (ch == ';' && !quoted && i != line.length() - 1) {
        return false;
      }
    }
    return !quoted && !line.toUpperCase(Locale.ROOT).matches(".*\\bPASSWORD\\b.*");
  }

  private static String strip(String line) {
    return line.endsWith(";") ? line.substring(0, line.length() - 1) : line;
  }
}
