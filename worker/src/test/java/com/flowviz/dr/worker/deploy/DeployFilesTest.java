package com.flowviz.dr.worker.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.workflows.backup.BackupRequest;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The production deploy files, checked without an engine to run them (there is no Docker or
 * Kubernetes here): they parse, pin their images, define every variable they use, and every worker
 * setting they make is one the worker reads.
 */
class DeployFilesTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Pattern ENV_NAME = Pattern.compile("\\b(FLOWVIZ_[A-Z0-9_]+)\\b");
  private static final Set<String> CONVENTIONAL =
      Set.of(
          "TEMPORAL_ADDRESS",
          "TEMPORAL_NAMESPACE",
          "AWS_REGION",
          "PGHOST",
          "PGPORT",
          "PGUSER",
          "PGPASSFILE");

  @Test
  void theComposeStackParsesPinsItsImagesAndDefinesEveryVariable() throws IOException {
    String text = Files.readString(DEPLOY.resolve("production/compose.yaml"));
    Map<String, Object> compose = new Yaml().load(text);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    assertEquals(Set.of("temporal-db", "temporal", "temporal-ui", "worker"), services.keySet());
    for (var service : services.entrySet()) {
      String image = String.valueOf(service.getValue().get("image"));
      assertTrue(
          image.matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*"),
          service.getKey() + " pins its image to a version: " + image);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> build = (Map<String, Object>) services.get("worker").get("build");
    assertTrue(
        Files.isRegularFile(
            DEPLOY
                .resolve("production")
                .resolve(String.valueOf(build.get("context")))
                .resolve(String.valueOf(build.get("dockerfile")))),
        "the worker's Dockerfile is where compose builds it from");
    @SuppressWarnings("unchecked")
    Map<String, Object> ui = (Map<String, Object>) services.get("temporal-ui").get("environment");
    assertEquals(
        "false",
        ui.get("TEMPORAL_START_WORKFLOW_DISABLED"),
        "operators start workflows from the UI");

    Set<String> defined =
        new HashSet<>(Set.of("TEMPORAL_DB_PASSWORD")); // from the shell, never from a file
    for (String line : Files.readAllLines(DEPLOY.resolve("production/.env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        defined.add(line.substring(0, line.indexOf('=')));
      }
    }
    Matcher used = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(text);
    while (used.find()) {
      assertTrue(
          defined.contains(used.group(1)), "${" + used.group(1) + "} is defined in .env.example");
    }
    assertFalse(
        text.matches("(?s).*(PASSWORD|SECRET_ACCESS_KEY)\\s*[:=]\\s*[^$\\s/].*"),
        "no secret value in compose.yaml");
  }

  @Test
  void theWorkerImageHasGpgAndAPostgres17ClientAndTheShadedJar() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("worker/Dockerfile"));
    assertTrue(
        dockerfile.contains("postgresql-client-17"),
        "pg_restore matches the production server, 17");
    assertTrue(dockerfile.contains("gnupg"));
    Matcher copy = Pattern.compile("COPY (\\S+) ").matcher(dockerfile);
    assertTrue(copy.find());
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(
        copy.group(1).equals("worker/target/" + finalName(pom) + ".jar"),
        "the COPY names the shaded jar the build makes: " + copy.group(1));
  }

  @Test
  void theKubernetesManifestsParseAndRunTheWorkerAsItsOwnUser() throws IOException {
    List<String> kinds = new ArrayList<>();
    for (Object document :
        new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes/worker.yaml")))) {
      kinds.add(String.valueOf(((Map<?, ?>) document).get("kind")));
    }
    assertEquals(List.of("ServiceAccount", "ConfigMap", "StatefulSet", "Service"), kinds);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theAlertingFilesRouteScenarioAlertsToTheTriggerEndpointWithoutASecretInThem()
      throws Exception {
    Map<String, Object> alertmanager =
        new Yaml().load(Files.readString(DEPLOY.resolve("alerting/alertmanager.yml")));
    Map<String, Object> route =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) alertmanager.get("route")).get("routes"))
            .get(0);
    assertEquals(
        List.of("flowviz_scenario", "database"),
        route.get("group_by"),
        "one notification per scenario and database");
    Map<String, Object> receiver =
        ((List<Map<String, Object>>) alertmanager.get("receivers"))
            .stream()
                .filter(r -> r.get("name").equals(route.get("receiver")))
                .findFirst()
                .orElseThrow();
    Map<String, Object> webhook =
        ((List<Map<String, Object>>) receiver.get("webhook_configs")).get(0);
    String path =
        com.flowviz.dr.worker.triggers.AlertmanagerController.class
                .getAnnotation(io.micronaut.http.annotation.Controller.class)
                .value()
            + com.flowviz.dr.worker.triggers.AlertmanagerController.class
                .getMethod("receive", String.class, String.class, String.class, String.class)
                .getAnnotation(io.micronaut.http.annotation.Post.class)
                .uri();
    assertTrue(
        String.valueOf(webhook.get("url")).endsWith(":9090" + path),
        webhook.get("url") + " is the worker's " + path);
    Map<String, Object> authorization =
        (Map<String, Object>)
            ((Map<String, Object>) webhook.get("http_config")).get("authorization");
    assertEquals("Bearer", authorization.get("type"));
    assertTrue(
        authorization.containsKey("credentials_file") && !authorization.containsKey("credentials"),
        "the token is read from a file");

    Map<String, Object> rules =
        new Yaml().load(Files.readString(DEPLOY.resolve("alerting/flowviz-dr-rules.yml")));
    var policy =
        new com.flowviz.dr.worker.triggers.AutomationPolicy(
            new com.flowviz.dr.worker.config.TriggerSettings(
                true,
                null,
                null,
                null,
                null,
                java.time.Duration.ofMinutes(5),
                null,
                java.time.Duration.ofHours(1),
                null,
                "a",
                "stage-then-approve",
                null,
                "required",
                "required",
                "required",
                java.time.Duration.ofHours(4),
                null));
    int scenarioAlerts = 0;
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
        if (labels.containsKey("flowviz_scenario")) {
          scenarioAlerts++;
          var scenario =
              policy.scenarioOf(
                  String.valueOf(rule.get("alert")),
                  String.valueOf(labels.get("flowviz_scenario")));
          assertTrue(
              scenario.isPresent() && policy.allows(scenario.get()),
              rule.get("alert") + " declares a scenario the default policy allows");
        }
      }
    }
    assertEquals(2, scenarioAlerts);
    // The RPO-target rule on the newest daily pg_dump fired ~22 h a day with the 02:00 schedule;
    // the exposure is the WAL's now, and the dump rules alert only on a missed dump.
    String daily = "flowviz_backup_newest_age_seconds{prefix=\"daily/\"}>";
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        String expr = String.valueOf(rule.get("expr")).replaceAll("\\s+", "");
        Matcher threshold = Pattern.compile(Pattern.quote(daily) + "(\\d+)").matcher(expr);
        while (threshold.find()) {
          assertTrue(
              Long.parseLong(threshold.group(1))
                  > com.flowviz.dr.workflows.RecoveryObjectives.RPO_MAXIMUM.toSeconds(),
              rule.get("alert") + " alerts on a daily dump only when one was missed: " + expr);
        }
        assertFalse(
            expr.contains(
                daily + com.flowviz.dr.workflows.RecoveryObjectives.RPO_TARGET.toSeconds()),
            rule.get("alert") + " keeps the daily-dump RPO-target rule");
      }
    }
    // The rule tests feed the RPO target the worker exports (the rules read the metric).
    assertTrue(
        Files.readString(DEPLOY.resolve("alerting/flowviz-dr-rules.test.yml"))
            .contains(
                "flowviz_backup_rpo_target_seconds{job=\"flowviz-dr\","
                    + " instance=\"flowviz-dr-worker:9090\"}'\n        values: '"
                    + com.flowviz.dr.workflows.RecoveryObjectives.RPO_TARGET.toSeconds()
                    + "+0x"));
  }

  @Test
  void alertmanagersAndPrometheusOwnCheckersAcceptTheAlertingFiles() throws Exception {
    assertEquals(
        "",
        check("amtool", "check-config", DEPLOY.resolve("alerting/alertmanager.yml").toString()));
    assertEquals(
        "",
        check(
            "promtool",
            "check",
            "rules",
            DEPLOY.resolve("alerting/flowviz-dr-rules.yml").toString()));
    // The rules' behaviour: a healthy day fires nothing, each fault fires its alert on time.
    assertEquals(
        "",
        check(
            "promtool",
            "test",
            "rules",
            DEPLOY.resolve("alerting/flowviz-dr-rules.test.yml").toString()));
  }

  /** Runs a checker; "" when it accepts, else what it printed. A missing checker fails the test. */
  private static String check(String... command) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin", command[0]))) {
      throw new AssertionError(
          command[0]
              + " is not installed (Debian: prometheus-alertmanager for amtool, prometheus for"
              + " promtool; .ci/run installs them)");
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    return p.waitFor() == 0 && output.contains("SUCCESS") ? "" : output;
  }

  @Test
  void everyWorkerSettingTheDeployFilesMakeIsOneTheWorkerReads() throws Exception {
    Set<String> known = workerEnvironmentNames();
    Set<String> used = new TreeSet<>();
    for (String file :
        List.of(
            "production/compose.yaml",
            "kubernetes/worker.yaml",
            "systemd/flowviz-dr-worker.service",
            "worker/Dockerfile")) {
      Matcher m = ENV_NAME.matcher(Files.readString(DEPLOY.resolve(file)));
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    assertFalse(used.isEmpty());
    for (String name : used) {
      assertTrue(known.contains(name), name + " is a worker setting (known: " + known + ")");
    }
    String unit = Files.readString(DEPLOY.resolve("systemd/flowviz-dr-worker.service"));
    for (String line : unit.lines().filter(l -> l.startsWith("Environment=")).toList()) {
      String name =
          line.substring("Environment=".length(), line.indexOf('=', "Environment=".length()));
      assertTrue(
          name.startsWith("FLOWVIZ_") || CONVENTIONAL.contains(name),
          name + " is a convention or a worker setting");
    }
  }

  @Test
  void theSchedulesStartTheirWorkflowsWithInputsTheyAccept() throws IOException {
    String script = Files.readString(DEPLOY.resolve("schedules/create-schedules.sh"));
    Matcher type = Pattern.compile("--type (\\S+)").matcher(script);
    Matcher input = Pattern.compile("--input '([^']+)'").matcher(script);
    ObjectMapper strict =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Map<String, Class<?>> inputs =
        Map.of(
            "TakeBackup", BackupRequest.class,
            "TakeBaseBackup", com.flowviz.dr.workflows.basebackup.TakeBaseBackupRequest.class,
            "RecoveryDrill", com.flowviz.dr.workflows.drill.DrillRequest.class,
            "MonitorBackupFreshness",
                com.flowviz.dr.workflows.freshness.FreshnessMonitorRequest.class);
    List<String> types = new ArrayList<>();
    while (type.find()) {
      types.add(type.group(1));
      assertTrue(
          inputs.containsKey(type.group(1)), type.group(1) + " is a workflow a schedule may start");
      assertTrue(input.find());
      strict.readValue(input.group(1), inputs.get(type.group(1)));
    }
    assertEquals(
        List.of(
            "TakeBackup",
            "TakeBackup",
            "TakeBaseBackup",
            "RecoveryDrill",
            "MonitorBackupFreshness"),
        types);
    assertTrue(
        script.contains("'0 2 * * *'") && script.contains("'0 3 * * 0'"),
        "02:00 daily, Sunday 03:00 weekly");
    assertTrue(
        script.contains("--cron '0 1 * * *'") && script.contains("--type TakeBaseBackup"),
        "a daily base backup at 01:00, before the dump");
  }

  /**
   * docker stop, kubectl delete pod and systemctl stop send SIGTERM, wait their grace, then
   * SIGKILL. The worker's shutdown grace (running activities finish) plus what closing the rest
   * takes must fit in each, or the stop is a kill after all.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyDeployFileGivesTheWorkerItsShutdownGraceAndAMarginBeforeSigkill() throws Exception {
    Duration margin = com.flowviz.dr.worker.config.WorkerSettings.SHUTDOWN_MARGIN;
    Duration byDefault = defaultShutdownGrace();
    assertFalse(
        Files.readString(Path.of("src/main/resources/application.yml")).contains("shutdown-grace"),
        "the grace has one default, in WorkerSettings");

    Map<String, Object> compose =
        new Yaml().load(Files.readString(DEPLOY.resolve("production/compose.yaml")));
    Map<String, Object> worker =
        ((Map<String, Map<String, Object>>) compose.get("services")).get("worker");
    Object composeGrace = ((Map<String, Object>) worker.get("environment")).get(SHUTDOWN_GRACE_ENV);
    assertCovers(
        "compose stop_grace_period",
        composeDuration(String.valueOf(worker.get("stop_grace_period"))),
        composeGrace == null ? byDefault : workerDuration(String.valueOf(composeGrace)),
        margin);

    Duration podGrace = null;
    Duration podWorkerGrace = byDefault;
    for (Object document :
        new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes/worker.yaml")))) {
      Map<String, Object> resource = (Map<String, Object>) document;
      if ("StatefulSet".equals(resource.get("kind"))) {
        Map<String, Object> pod =
            (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) resource.get("spec")).get("template"))
                    .get("spec");
        podGrace =
            Duration.ofSeconds(((Number) pod.get("terminationGracePeriodSeconds")).longValue());
      } else if ("ConfigMap".equals(resource.get("kind"))) {
        Object set = ((Map<String, Object>) resource.get("data")).get(SHUTDOWN_GRACE_ENV);
        podWorkerGrace = set == null ? byDefault : workerDuration(String.valueOf(set));
      }
    }
    assertCovers("Kubernetes terminationGracePeriodSeconds", podGrace, podWorkerGrace, margin);

    String unit = Files.readString(DEPLOY.resolve("systemd/flowviz-dr-worker.service"));
    Duration unitWorkerGrace =
        unitSetting(unit, "Environment=" + SHUTDOWN_GRACE_ENV)
            .map(DeployFilesTest::workerDuration)
            .orElse(byDefault);
    assertCovers(
        "systemd TimeoutStopSec",
        systemdDuration(unitSetting(unit, "TimeoutStopSec").orElseThrow()),
        unitWorkerGrace,
        margin);
    assertTrue(
        List.of(unitSetting(unit, "SuccessExitStatus").orElse("").split("\\s+")).contains("143"),
        "exit 143 (128 + SIGTERM) after a clean stop is success to systemd");
    assertEquals(
        "mixed",
        unitSetting(unit, "KillMode").orElse("control-group"),
        "SIGTERM reaches the JVM alone: a pg_restore it runs finishes within the grace instead of"
            + " dying at once");
  }

  private static final String SHUTDOWN_GRACE_ENV = "FLOWVIZ_WORKER_SHUTDOWN_GRACE";

  private static void assertCovers(
      String what, Duration deployGrace, Duration workerGrace, Duration margin) {
    assertTrue(
        deployGrace != null && deployGrace.compareTo(workerGrace.plus(margin)) >= 0,
        what
            + " ("
            + deployGrace
            + ") is at least the worker's shutdown grace ("
            + workerGrace
            + ") + "
            + margin);
  }

  private static Duration defaultShutdownGrace() throws NoSuchMethodException {
    var bindable =
        com.flowviz.dr.worker.config.WorkerSettings.class
            .getDeclaredMethod("shutdownGrace")
            .getAnnotation(io.micronaut.core.bind.annotation.Bindable.class);
    return workerDuration(bindable.defaultValue());
  }

  /** The forms of a Micronaut duration the deploy files use: 90s, 2m, 500ms, 1h or ISO-8601. */
  private static Duration workerDuration(String value) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value.trim());
    if (!m.matches()) {
      return Duration.parse(value.trim());
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** Compose's durations: 2m, 1m30s, 90s. */
  private static Duration composeDuration(String value) {
    Matcher m = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(value.trim());
    assertTrue(!value.isBlank() && m.matches(), "a compose duration: " + value);
    return Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
        .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
        .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
  }

  /** systemd's time spans as the unit writes them: 120, 120s, 2min. */
  private static Duration systemdDuration(String value) {
    Matcher m = Pattern.compile("(\\d+)(s|min)?").matcher(value.trim());
    assertTrue(m.matches(), "a systemd time span: " + value);
    long n = Long.parseLong(m.group(1));
    return "min".equals(m.group(2)) ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
  }

  private static java.util.Optional<String> unitSetting(String unit, String key) {
    return unit.lines()
        .filter(l -> l.startsWith(key + "="))
        .map(l -> l.substring(key.length() + 1).trim())
        .reduce((a, b) -> b);
  }

  /** FLOWVIZ_<PREFIX>_<SETTING>, from the worker's @ConfigurationProperties records. */
  private static Set<String> workerEnvironmentNames() throws IOException, ClassNotFoundException {
    Set<String> names = new TreeSet<>();
    Path config = Path.of("src/main/java/com/flowviz/dr/worker/config");
    try (Stream<Path> files = Files.list(config)) {
      for (Path file : files.toList()) {
        Class<?> type =
            Class.forName(
                "com.flowviz.dr.worker.config."
                    + file.getFileName().toString().replace(".java", ""));
        ConfigurationProperties properties = type.getAnnotation(ConfigurationProperties.class);
        if (properties == null || !type.isRecord()) {
          continue;
        }
        for (RecordComponent component : type.getRecordComponents()) {
          names.add(
              (properties.value() + "." + component.getName())
                  .replace('.', '_')
                  .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                  .toUpperCase());
        }
      }
    }
    return names;
  }

  private static String finalName(String pom) {
    Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertTrue(m.find());
    return m.group(1);
  }
}
