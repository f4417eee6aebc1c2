package com.flowviz.dr.activities.postgres;

import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a pg_dump archive says about its database as a whole and about the roles its objects need,
 * read from the SQL {@code pg_restore --create --schema-only} would run: the CREATE DATABASE with
 * its encoding, locale and collation; the database's owner, settings ({@code ALTER DATABASE ...
 * SET}, the "DATABASE PROPERTIES" entry) and privileges; every role that owns an object or is
 * granted something; the tablespaces objects live in. A restore without {@code --create} (into a
 * staging database of another name) runs none of the database-level statements, so they are
 * replayed here against the staging name.
 *
 * @param databaseIdentifier the source database's name as the archive writes it (quoted if need be)
 * @param createDatabase the archive's CREATE DATABASE statement, naming the source database
 * @param owner the database's owner, null when the archive does not say
 * @param databaseStatements settings and privileges of the database (and per-role settings in it)
 * @param owners roles that own objects in the archive
 * @param grantees roles granted privileges (table grants, default privileges, the database's)
 * @param tablespaces non-default tablespaces objects (or the database) are put in
 */
public record ArchiveDatabase(
    String databaseIdentifier,
    String createDatabase,
    String owner,
    List<String> databaseStatements,
    Set<String> owners,
    Set<String> grantees,
    Set<String> tablespaces) {

  private static final Duration READ_TIMEOUT = Duration.ofHours(1);
  static final String IDENT = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
  private static final Pattern CREATE =
      Pattern.compile("^CREATE DATABASE (" + IDENT + ") WITH .*;$");
  private static final Pattern DB_OWNER =
      Pattern.compile("^ALTER DATABASE (" + IDENT + ") OWNER TO (" + IDENT + ");$");
  private static final Pattern DB_SET =
      Pattern.compile("^ALTER DATABASE (" + IDENT + ") (?:SET|RESET) .*;$");
  private static final Pattern ROLE_IN_DB =
      Pattern.compile("^ALTER ROLE (" + IDENT + ") IN DATABASE (" + IDENT + ") (?:SET|RESET) .*;$");
  private static final Pattern DB_ACL =
      Pattern.compile("^(?:GRANT|REVOKE) .* ON DATABASE (" + IDENT + ") (?:TO|FROM) (.*);$");
  private static final Pattern OWNER_TO = Pattern.compile("^ALTER .* OWNER TO (" + IDENT + ");$");
  private static final Pattern GRANT =
      Pattern.compile("^(?:ALTER DEFAULT PRIVILEGES .*?)?GRANT .* TO (.*);$");
  private static final Pattern REVOKE =
      Pattern.compile("^(?:ALTER DEFAULT PRIVILEGES .*?)?REVOKE .* FROM (.*);$");
  private static final Pattern FOR_ROLE =
      Pattern.compile("^ALTER DEFAULT PRIVILEGES FOR ROLE (" + IDENT + ")");
  private static final Pattern DEFAULT_TABLESPACE =
      Pattern.compile("^SET default_tablespace = '(.+)';$");
  private static final Pattern DATABASE_TABLESPACE =
      Pattern.compile(" TABLESPACE = (" + IDENT + ")");
  private static final Pattern LIST_ITEM = Pattern.compile("(" + IDENT + ")");

  /** Reads the archive with the worker's pg_restore; nothing connects to a server. */
  public static ArchiveDatabase read(String pgRestore, Path dump, Map<String, String> environment) {
    List<String> command =
        List.of(pgRestore, "--create", "--schema-only", "--file=-", dump.toString());
    Reader reader = new Reader();
    try (ChildProcess child = ChildProcess.start(command, environment, null, null, false)) {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          reader.accept(line);
        }
      }
      child.awaitSuccess(READ_TIMEOUT, () -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ProcessFailedException e) {
      throw new IllegalStateException(
          "pg_restore could not list what the archive "
              + dump.getFileName()
              + " holds: "
              + e.stderrTail(),
          e);
    }
    return reader.result();
  }

  /** Parses the SQL text of {@code pg_restore --create --schema-only} (also for tests). */
  public static ArchiveDatabase parse(String sql) {
    Reader reader = new Reader();
    sql.lines().forEach(reader::accept);
    return reader.result();
  }

  /** Every role the archive's owners and privileges name. */
  public Set<String> roles() {
    Set<String> all = new LinkedHashSet<>();
    if (owner != null) {
      all.add(owner);
    }
    all.addAll(owners);
    all.addAll(grantees);
    return all;
  }

  /** The archive's CREATE DATABASE for another name, optionally without its tablespace clause. */
  public String createDatabaseAs(String database, boolean withTablespace) {
    String sql =
        createDatabase.replaceFirst(
            "^CREATE DATABASE " + Pattern.quote(databaseIdentifier) + " ",
            Matcher.quoteReplacement("CREATE DATABASE " + PgClient.quote(database) + " "));
    if (!withTablespace) {
      sql = DATABASE_TABLESPACE.matcher(sql).replaceAll("");
    }
    return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
  }

  /** The database-level statements, naming {@code database} instead of the source database. */
  public List<String> databaseStatementsFor(String database) {
    String name = Matcher.quoteReplacement(PgClient.quote(database));
    String source = Pattern.quote(databaseIdentifier);
    List<String> out = new ArrayList<>();
    for (String statement : databaseStatements) {
      out.add(
          statement
              .replaceFirst("^ALTER DATABASE " + source + " ", "ALTER DATABASE " + name + " ")
              .replaceFirst(" IN DATABASE " + source + " ", " IN DATABASE " + name + " ")
              .replaceFirst(" ON DATABASE " + source + " ", " ON DATABASE " + name + " ")
              .replaceFirst(";$", ""));
    }
    return out;
  }

  static String unquote(String identifier) {
    if (identifier.startsWith("\"") && identifier.endsWith("\"") && identifier.length() >= 2) {
      return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
    }
    // pg_dump quotes every name that is not lower case: an unquoted one is as written.
    return identifier;
  }

  /**
   * Role names in a grantee list such as {@code app, "Ops" WITH GRANT OPTION}; PUBLIC is no role.
   */
  static List<String> roleList(String list) {
    String names =
        list.replaceFirst(" WITH (?:GRANT|ADMIN|INHERIT|SET) OPTION.*$", "")
            .replaceFirst(" GRANTED BY .*$", "")
            .replaceFirst(" WITH .*$", "");
    List<String> roles = new ArrayList<>();
    for (String part : names.split(",")) {
      Matcher m = LIST_ITEM.matcher(part.strip());
      if (m.lookingAt() && !m.group(1).equals("PUBLIC")) {
        roles.add(unquote(m.group(1)));
      }
    }
    return roles;
  }

  private static final class Reader {
    private String identifier;
    private String create;
    private String owner;
    private final List<String> statements = new ArrayList<>();
    private final Set<String> owners = new LinkedHashSet<>();
    private final Set<String> grantees = new LinkedHashSet<>();
    private final Set<String> tablespaces = new LinkedHashSet<>();

    void accept(String line) {
      Matcher m;
      if (create == null && (m = CREATE.matcher(line)).matches()) {
        identifier = m.group(1);
        create = line;
        Matcher ts = DATABASE_TABLESPACE.matcher(line);
        if (ts.find()) {
          tablespaces.add(unquote(ts.group(1)));
        }
        return;
      }
      if ((m = DB_OWNER.matcher(line)).matches() && m.group(1).equals(identifier)) {
        owner = unquote(m.group(2));
        return;
      }
      if ((m = DB_SET.matcher(line)).matches() && m.group(1).equals(identifier)) {
        statements.add(line);
        return;
      }
      if ((m = ROLE_IN_DB.matcher(line)).matches() && m.group(2).equals(identifier)) {
        statements.add(line);
        return;
      }
      if ((m = DB_ACL.matcher(line)).matches() && m.group(1).equals(identifier)) {
        statements.add(line);
        grantees.addAll(roleList(m.group(2)));
        return;
      }
      if ((m = OWNER_TO.matcher(line)).matches()) {
        owners.add(unquote(m.group(1)));
        return;
      }
      if ((m = FOR_ROLE.matcher(line)).find()) {
        owners.add(unquote(m.group(1)));
      }
      if ((m = GRANT.matcher(line)).matches() || (m = REVOKE.matcher(line)).matches()) {
        grantees.addAll(roleList(m.group(1)));
        return;
      }
      if ((m = DEFAULT_TABLESPACE.matcher(line)).matches()) {
        tablespaces.add(m.group(1).replace("''", "'"));
      }
    }

    ArchiveDatabase result() {
      return new ArchiveDatabase(
          identifier,
          create,
          owner,
          List.copyOf(statements),
          Set.copyOf(owners),
          Set.copyOf(grantees),
          Set.copyOf(tablespaces));
    }
  }
}
