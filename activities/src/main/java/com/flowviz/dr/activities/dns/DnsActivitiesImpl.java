package com.flowviz.dr.activities.dns;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ChangeBatch;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.NoSuchHostedZoneException;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

public class DnsActivitiesImpl implements DnsActivities {

  private static final Logger log = LoggerFactory.getLogger(DnsActivitiesImpl.class);
  public static final String CHANGE_PENDING = "DnsChangePending";

  private final Route53Client route53;
  private final Path changeBatchDirectory;
  private final String defaultZoneId;

  /**
   * @param defaultZoneId used when a request names no zone; may be null
   */
  public DnsActivitiesImpl(Route53Client route53, Path changeBatchDirectory, String defaultZoneId) {
    this.route53 = route53;
    this.changeBatchDirectory = changeBatchDirectory.toAbsolutePath();
    this.defaultZoneId = defaultZoneId;
  }

  @Override
  public DnsChange applyChangeBatch(DnsChangeRequest request) {
    String zone = request.hostedZoneId() != null ? request.hostedZoneId() : defaultZoneId;
    if (zone == null) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "No Route53 hosted zone: give hostedZoneId or set flowviz.dns.hosted-zone-id.");
    }
    ChangeBatch batch;
    try {
      batch =
          ChangeBatchFile.load(
              changeBatchDirectory,
              request.changeBatch(),
              request.variables() == null ? Map.of() : request.variables(),
              "(flowviz-dr " + request.marker() + ")");
    } catch (ChangeBatchFile.InvalidChangeBatch e) {
      throw NonRetryable.failure(FailureTypes.INVALID_INPUT, e.getMessage());
    }
    List<String> records =
        batch.changes().stream().map(c -> describe(c.resourceRecordSet())).toList();

    // An earlier attempt may have sent the change and died before reporting it: no second change.
    Optional<String> sentBefore = Heartbeats.lastDetails(String.class);
    if (sentBefore.isPresent()) {
      log.info("Change {} was sent by an earlier attempt; not sending it again", sentBefore.get());
      return new DnsChange(zone, sentBefore.get(), status(sentBefore.get()), false, records);
    }
    try {
      if (batch.changes().stream().allMatch(c -> alreadyHolds(zone, c.resourceRecordSet()))) {
        log.info("Zone {} already holds {}; nothing sent", zone, records);
        return new DnsChange(zone, null, "INSYNC", true, records);
      }
      ChangeInfo info =
          route53
              .changeResourceRecordSets(b -> b.hostedZoneId(zone).changeBatch(batch))
              .changeInfo();
      // First heartbeat of this attempt: sent at once, so a retry after a crash finds the id.
      Heartbeats.beat(info.id());
      log.info(
          "Route53 change {} in zone {}: {} ({})", info.id(), zone, records, info.statusAsString());
      return new DnsChange(zone, info.id(), info.statusAsString(), false, records);
    } catch (NoSuchHostedZoneException e) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "Route53 has no hosted zone " + zone + "; check hostedZoneId.");
    }
  }

  @Override
  public DnsChange checkChangeInSync(DnsChange change) {
    if (change.changeId() == null) {
      return new DnsChange(change.hostedZoneId(), null, "INSYNC", true, change.records());
    }
    String status = status(change.changeId());
    if (!"INSYNC".equals(status)) {
      throw ApplicationFailure.newBuilder()
          .setMessage("Route53 change " + change.changeId() + " is " + status)
          .setType(CHANGE_PENDING)
          .setCategory(ApplicationErrorCategory.BENIGN)
          .build();
    }
    return new DnsChange(
        change.hostedZoneId(),
        change.changeId(),
        status,
        change.alreadyApplied(),
        change.records());
  }

  private String status(String changeId) {
    return route53.getChange(b -> b.id(changeId)).changeInfo().statusAsString();
  }

  private boolean alreadyHolds(String zone, ResourceRecordSet wanted) {
    List<ResourceRecordSet> existing =
        route53
            .listResourceRecordSets(
                b ->
                    b.hostedZoneId(zone)
                        .startRecordName(wanted.name())
                        .startRecordType(wanted.type())
                        .maxItems("10"))
            .resourceRecordSets();
    return existing.stream().anyMatch(set -> same(set, wanted));
  }

  private static boolean same(ResourceRecordSet a, ResourceRecordSet b) {
    return dnsName(a.name()).equals(dnsName(b.name()))
        && Objects.equals(a.typeAsString(), b.typeAsString())
        && Objects.equals(a.setIdentifier(), b.setIdentifier())
        && Objects.equals(a.ttl(), b.ttl())
        && values(a).equals(values(b))
        && Objects.equals(
            a.aliasTarget() == null ? null : dnsName(a.aliasTarget().dnsName()),
            b.aliasTarget() == null ? null : dnsName(b.aliasTarget().dnsName()));
  }

  private static Set<String> values(ResourceRecordSet set) {
    return set.resourceRecords().stream()
        .map(ResourceRecord::value)
        .map(DnsActivitiesImpl::dnsName)
        .collect(Collectors.toSet());
  }

  private static String dnsName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  private static String describe(ResourceRecordSet set) {
    String target =
        set.aliasTarget() != null
            ? "ALIAS " + set.aliasTarget().dnsName()
            : set.resourceRecords().stream()
                .map(ResourceRecord::value)
                .collect(Collectors.joining(","));
    return set.name()
        + " "
        + set.typeAsString()
        + " "
        + target
        + (set.ttl() == null ? "" : " (" + set.ttl() + "s)");
  }
}
