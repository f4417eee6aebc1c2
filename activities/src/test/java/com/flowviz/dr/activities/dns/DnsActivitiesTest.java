package com.flowviz.dr.activities.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TerraformConfigurations;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.route53.Route53Client;

/** Runbook 4.4 step 4 against moto's Route53: ChangeResourceRecordSets and GetChange over HTTP. */
class DnsActivitiesTest {

  @TempDir Path dir;
  private S3FaultProxy proxy;
  private Route53Client route53;
  private String zone;
  private TestActivityEnvironment env;
  private DnsActivities dns;

  @BeforeEach
  void setUp() {
    proxy = S3FaultProxy.in(TestMoto.endpoint());
    route53 = AwsClients.route53(proxy.endpoint());
    zone = TestMoto.newHostedZone(route53);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new DnsActivitiesImpl(
            route53, TerraformConfigurations.changeBatchesTo(dir.resolve("dns")), null));
    dns = TestActivities.stub(env, DnsActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
    proxy.close();
  }

  @Test
  void appliesTheRunbooksChangeBatchWithTheStacksOutputsAndWaitsForInSync() {
    DnsChange change =
        dns.applyChangeBatch(
            request("dr-failover-dns.json", Map.of("app_endpoint", "api.us-west-2.flowviz.test")));

    assertNotNull(change.changeId());
    assertEquals(
        List.of("api.us-west-2.flowviz.test"),
        TestMoto.recordValues(route53, zone, "api.flowviz.test"));
    assertEquals(
        List.of("api.flowviz.test CNAME api.us-west-2.flowviz.test (60s)"), change.records());
    assertEquals("INSYNC", dns.checkChangeInSync(change).status());
  }

  @Test
  void aPendingChangeIsRetriedNotFailed() {
    DnsChange change =
        dns.applyChangeBatch(
            request("dr-failover-dns.json", Map.of("app_endpoint", "api.us-west-2.flowviz.test")));
    proxy.holdDnsChanges(true);
    ActivityFailure pending =
        assertThrows(ActivityFailure.class, () -> dns.checkChangeInSync(change));
    ApplicationFailure cause = (ApplicationFailure) pending.getCause();
    assertEquals(DnsActivitiesImpl.CHANGE_PENDING, cause.getType());
    assertTrue(!cause.isNonRetryable());
  }

  @Test
  void aSecondApplicationSendsNothing() {
    DnsChangeRequest request =
        request("dr-failover-dns.json", Map.of("app_endpoint", "api.us-west-2.flowviz.test"));
    dns.applyChangeBatch(request);
    long sent = proxy.dnsChangeRequests();

    DnsChange again = dns.applyChangeBatch(request);

    assertTrue(again.alreadyApplied());
    assertEquals(sent, proxy.dnsChangeRequests(), "the records already held the values");
  }

  @Test
  void onlyUpsertIsAccepted() throws Exception {
    long before = proxy.dnsChangeRequests();
    Files.writeString(
        dir.resolve("dns/delete.json"),
        "{\"Changes\":[{\"Action\":\"DELETE\",\"ResourceRecordSet\":{\"Name\":\"api.flowviz.test\",\"Type\":\"CNAME\",\"TTL\":60,"
            + "\"ResourceRecords\":[{\"Value\":\"x\"}]}}]}");
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class, () -> dns.applyChangeBatch(request("delete.json", Map.of())));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.INVALID_INPUT, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("only UPSERT"), cause.getOriginalMessage());
    assertEquals(before, proxy.dnsChangeRequests(), "nothing was sent");
  }

  @Test
  void aPlaceholderTheStackDoesNotOutputIsNamed() {
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () ->
                dns.applyChangeBatch(
                    request("dr-failover-dns.json", Map.of("region", "us-west-2"))));
    assertTrue(
        ((ApplicationFailure) failure.getCause()).getOriginalMessage().contains("[app_endpoint]"));
  }

  @Test
  void anUnknownZoneFailsWithoutRetry() {
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () ->
                dns.applyChangeBatch(
                    new DnsChangeRequest(
                        "ZNOSUCHZONE123",
                        "dr-failover-dns.json",
                        Map.of("app_endpoint", "x.flowviz.test"),
                        "test")));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("ZNOSUCHZONE123"), cause.getOriginalMessage());
  }

  private DnsChangeRequest request(String batch, Map<String, String> variables) {
    return new DnsChangeRequest(zone, batch, variables, "failover-test");
  }
}
