package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The PostgreSQL servers this worker may connect to, and the one secret each may be sent: the
 * configured production server ("production", the worker's own PG settings and password), the
 * instances this tool provisioned ("instance:&lt;name&gt;") and the stacks it applied
 * ("stack:&lt;workspace&gt;", the DR region's server among them). A workflow input names a server;
 * it never chooses a host or a secret.
 *
 * <p>Entries for instances and stacks are written when the tool makes them and removed at teardown,
 * in the secret store beside the password they assign ({@code flowviz/dr/registry/...}). Kept
 * there, not in a database: a server is only usable when its password is readable, so the registry
 * adds no dependency to a recovery, and it answers while the primary server (where the audit
 * database lives unless configured apart) is down. Instances made before the registry are admitted
 * by their provisioner's ownership mark and recorded then.
 *
 * <p>An instance a point-in-time recovery made is a physical copy of the server whose archive it
 * replayed, with that server's roles and passwords: its entry carries that server's user and secret
 * (none for production, whose own PGPASSWORD or pgpass line is used; see {@link
 * PgConnectionSettings#physicalCopyAt}).
 */
public final class ServerRegistry {

  public static final String PRODUCTION = ServerNames.PRODUCTION;
  public static final String INSTANCE = ServerNames.INSTANCE;
  public static final String STACK = ServerNames.STACK;

  /**
   * Where a named server listens and which secret holds its password (null: the worker's own
   * PGPASSWORD / pgpass).
   */
  public record Entry(String name, String host, int port, String user, String passwordSecret) {
    public PgServer toServer() {
      return new PgServer(host, port, user, passwordSecret, name);
    }
  }

  private final Entry production;
  private final SecretStore store;
  private final Function<String, Optional<Entry>> unregisteredInstance;

  /**
   * @param unregisteredInstance an instance's entry from its provisioner's ownership mark, for
   *     instances provisioned before the registry; empty when the provisioner has none of that name
   *     or it does not carry the mark
   */
  public ServerRegistry(
      PgConnectionSettings production,
      SecretStore store,
      Function<String, Optional<Entry>> unregisteredInstance) {
    this.production =
        new Entry(PRODUCTION, production.host(), production.port(), production.user(), null);
    this.store = store;
    this.unregisteredInstance = unregisteredInstance;
  }

  /**
   * A registry kept in that store, for activities built without the worker's (tests, tools): it
   * records and finds what they make.
   */
  public static ServerRegistry recordingIn(SecretStore store) {
    return new ServerRegistry(
        new PgConnectionSettings(null, 0, null, null, null), store, name -> Optional.empty());
  }

  public static String instanceName(String instance) {
    return ServerNames.instance(instance);
  }

  public static String stackName(String workspace) {
    return ServerNames.stack(workspace);
  }

  /** Records a server this tool has just made (or found carrying its mark). */
  public void record(Entry entry) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("host", entry.host());
    json.put("port", entry.port());
    json.put("user", entry.user());
    json.put("passwordSecret", entry.passwordSecret());
    try {
      store.write(entryKey(entry.name()), Json.MAPPER.writeValueAsString(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Records a server a recovery made, unless its name already stands for another endpoint (an
   * instance 4.3 provisioned, an earlier managed restore): that entry is not replaced, the recovery
   * is refused, non-retryably. The same endpoint again (a retry) is recorded again.
   */
  public void recordRecovered(Entry entry) {
    Optional<Entry> existing = recorded(entry.name());
    if (existing.isPresent()
        && !(existing.get().host().equalsIgnoreCase(entry.host())
            && existing.get().port() == entry.port())) {
      throw NonRetryable.failure(
          FailureTypes.INSTANCE_CLAIMED,
          "The server name "
              + entry.name()
              + " already stands for "
              + existing.get().host()
              + ":"
              + existing.get().port()
              + "; the recovered database at "
              + entry.host()
              + ":"
              + entry.port()
              + " was not given that name. Recover under another instance name, or tear the"
              + " other one down first.");
    }
    record(entry);
  }

  /** Removes a server the tool has torn down; nothing happens when there is none. */
  public void forget(String name) {
    store.delete(entryKey(name));
  }

  /** The entry recorded for an instance or stack, without asking its provisioner. */
  public Optional<Entry> recorded(String name) {
    return store.read(entryKey(name)).map(json -> parse(name, json));
  }

  /** The server of that name, or a non-retryable refusal saying which names there are. */
  public Entry resolve(String name) {
    if (PRODUCTION.equals(name)) {
      return production;
    }
    String local = localName(name);
    if (local == null) {
      throw refuse(
          "The server name \""
              + printable(name)
              + "\" is not one the worker knows: give \"production\", \"instance:<name>\" (an"
              + " instance flowviz-dr provisioned) or \"stack:<workspace>\" (a stack it applied)."
              + " Hosts and secret names are not accepted.");
    }
    Optional<String> stored = store.read(entryKey(name));
    if (stored.isPresent()) {
      return parse(name, stored.get());
    }
    if (name.startsWith(INSTANCE)) {
      Optional<Entry> marked = unregisteredInstance.apply(local);
      if (marked.isPresent()) {
        record(marked.get());
        return marked.get();
      }
      throw refuse(
          "There is no instance \""
              + local
              + "\" made by flowviz-dr (no registry entry, no ownership mark); the worker connects"
              + " only to instances it provisioned. Provision it with restore-new-instance, or name"
              + " another server.");
    }
    throw refuse(
        "There is no stack \""
            + local
            + "\" applied by flowviz-dr; the worker connects only to stacks it applied (runbook"
            + " 4.4).");
  }

  /**
   * The registry's entry for a server a workflow passed: by its name, or, for payloads from before
   * names, by the secret it carries. Refused unless its host, port, user and secret are exactly the
   * registry's: an input can neither send a secret elsewhere nor choose which secret is sent.
   */
  public Entry admit(PgServer server) {
    Entry entry = resolve(server.name() != null ? server.name() : nameFromSecret(server));
    if (server.host() != null
        && !(server.host().equalsIgnoreCase(entry.host()) && server.port() == entry.port())) {
      throw refuse(
          "The server "
              + entry.name()
              + " is at "
              + entry.host()
              + ":"
              + entry.port()
              + ", not "
              + printable(server.host())
              + ":"
              + server.port()
              + "; the worker connects only where its registry says. Name the server and leave host"
              + " and port out.");
    }
    if ((server.host() != null || server.passwordSecret() != null)
        && !Objects.equals(server.passwordSecret(), entry.passwordSecret())) {
      throw refuse(
          "The secret "
              + printable(server.passwordSecret())
              + " is not the one of server "
              + entry.name()
              + "; the worker decides which secret a server gets. Name the server and leave"
              + " passwordSecret out.");
    }
    if (server.user() != null && !server.user().equals(entry.user())) {
      throw refuse(
          "The server "
              + entry.name()
              + " is used as "
              + entry.user()
              + ", not "
              + printable(server.user())
              + ".");
    }
    return entry;
  }

  private static String nameFromSecret(PgServer server) {
    return ServerNames.ofSecret(server.passwordSecret())
        .orElseThrow(
            () ->
                refuse(
                    "The secret "
                        + printable(server.passwordSecret())
                        + " given for "
                        + printable(server.host())
                        + ":"
                        + server.port()
                        + " is not the password of any server the worker knows; nothing was read or"
                        + " sent. Name the server instead (\"production\", \"instance:<name>\","
                        + " \"stack:<workspace>\")."));
  }

  private static String localName(String name) {
    if (!ServerNames.isServerName(name) || name.equals(PRODUCTION)) {
      return null;
    }
    return name.startsWith(INSTANCE)
        ? name.substring(INSTANCE.length())
        : name.substring(STACK.length());
  }

  private static String entryKey(String name) {
    String local = localName(name);
    if (local == null) {
      throw new IllegalArgumentException("not a registry name: " + name);
    }
    return "flowviz/dr/registry/" + (name.startsWith(INSTANCE) ? "instances/" : "stacks/") + local;
  }

  private static Entry parse(String name, String json) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      JsonNode secret = node.get("passwordSecret");
      return new Entry(
          name,
          node.get("host").asText(),
          node.get("port").asInt(),
          node.get("user").asText(),
          secret == null || secret.isNull() ? null : secret.asText());
    } catch (JsonProcessingException | NullPointerException e) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "The registry entry of server "
              + name
              + " is not readable; provision or apply it again.");
    }
  }

  private static ApplicationFailure refuse(String message) {
    return NonRetryable.failure(FailureTypes.INVALID_INPUT, message);
  }

  private static String printable(String text) {
    if (text == null) {
      return "(none)";
    }
    String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
