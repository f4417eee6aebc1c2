package com.flowviz.dr.activities.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeBatch;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * A change batch in the AWS CLI's JSON format ({@code aws route53 change-resource-record-sets
 * --change-batch file://dr-failover-dns.json}), with {@code {{name}}} placeholders filled from the
 * DR stack's outputs. Only UPSERT changes are accepted: they are the ones a retry can repeat.
 */
final class ChangeBatchFile {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

  /** A problem with the file that no retry fixes. */
  static final class InvalidChangeBatch extends Exception {
    InvalidChangeBatch(String message) {
      super(message);
    }
  }

  private ChangeBatchFile() {}

  static ChangeBatch load(
      Path directory, String name, Map<String, String> variables, String comment)
      throws InvalidChangeBatch {
    Path file = directory.resolve(name).normalize();
    if (!file.startsWith(directory.normalize()) || !Files.isRegularFile(file)) {
      throw new InvalidChangeBatch(
          "There is no change batch "
              + name
              + " in "
              + directory
              + ". Put the runbook's "
              + name
              + " there.");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidChangeBatch(
          "The change batch " + file + " cannot be read: " + e.getMessage());
    }
    TreeSet<String> missing = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder filled = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        missing.add(m.group(1));
        value = m.group();
      }
      m.appendReplacement(filled, Matcher.quoteReplacement(value));
    }
    m.appendTail(filled);
    if (!missing.isEmpty()) {
      throw new InvalidChangeBatch(
          "The change batch "
              + name
              + " uses "
              + missing
              + ", which the stack does not output (it outputs "
              + variables.keySet()
              + ").");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(filled.toString());
    } catch (IOException e) {
      throw new InvalidChangeBatch(
          "The change batch " + name + " is not valid JSON: " + e.getMessage());
    }
    List<Change> changes = new ArrayList<>();
    for (JsonNode change : root.path("Changes")) {
      String action = change.path("Action").asText();
      if (!"UPSERT".equals(action)) {
        throw new InvalidChangeBatch(
            "The change batch "
                + name
                + " has a "
                + (action.isEmpty() ? "missing" : action)
                + " action; only UPSERT is accepted, because only UPSERT is safe to repeat.");
      }
      changes.add(
          Change.builder()
              .action(ChangeAction.UPSERT)
              .resourceRecordSet(recordSet(change.path("ResourceRecordSet")))
              .build());
    }
    if (changes.isEmpty()) {
      throw new InvalidChangeBatch("The change batch " + name + " has no Changes.");
    }
    String fileComment = root.path("Comment").asText("");
    return ChangeBatch.builder()
        .comment((fileComment.isEmpty() ? "" : fileComment + " ") + comment)
        .changes(changes)
        .build();
  }

  private static ResourceRecordSet recordSet(JsonNode node) throws InvalidChangeBatch {
    if (node.path("Name").asText().isEmpty() || node.path("Type").asText().isEmpty()) {
      throw new InvalidChangeBatch("A ResourceRecordSet in the change batch has no Name or Type.");
    }
    ResourceRecordSet.Builder set =
        ResourceRecordSet.builder()
            .name(node.path("Name").asText())
            .type(node.path("Type").asText());
    if (node.has("TTL")) {
      set.ttl(node.path("TTL").asLong());
    }
    if (node.has("ResourceRecords")) {
      List<ResourceRecord> records = new ArrayList<>();
      for (JsonNode record : node.path("ResourceRecords")) {
        records.add(ResourceRecord.builder().value(record.path("Value").asText()).build());
      }
      set.resourceRecords(records);
    }
    if (node.has("AliasTarget")) {
      JsonNode alias = node.path("AliasTarget");
      set.aliasTarget(
          AliasTarget.builder()
              .hostedZoneId(alias.path("HostedZoneId").asText())
              .dnsName(alias.path("DNSName").asText())
              .evaluateTargetHealth(alias.path("EvaluateTargetHealth").asBoolean(false))
              .build());
    }
    if (node.has("SetIdentifier")) {
      set.setIdentifier(node.path("SetIdentifier").asText());
    }
    if (node.has("Weight")) {
      set.weight(node.path("Weight").asLong());
    }
    if (node.has("Failover")) {
      set.failover(node.path("Failover").asText());
    }
    if (node.has("HealthCheckId")) {
      set.healthCheckId(node.path("HealthCheckId").asText());
    }
    return set.build();
  }
}
