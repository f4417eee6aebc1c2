package com.flowviz.dr.activities.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegionEndpointsTest {

  @Test
  void aRegionWithAnEntryGoesToItsEndpointAndTheOthersToTheDefault() {
    RegionEndpoints endpoints =
        RegionEndpoints.parse(
            List.of("us-east-1=http://127.0.0.1:5001", " us-west-2 = https://s3.dr.example.com "),
            "http://127.0.0.1:5000");

    assertEquals("http://127.0.0.1:5001", endpoints.forRegion("us-east-1"));
    assertEquals("https://s3.dr.example.com", endpoints.forRegion("us-west-2"));
    assertEquals("http://127.0.0.1:5000", endpoints.forRegion("eu-west-1"));
    assertEquals("http://127.0.0.1:5000", endpoints.forRegion(null));
  }

  @Test
  void withNothingConfiguredTheSdkResolves() {
    assertNull(RegionEndpoints.parse(null, null).forRegion("us-east-1"));
    assertNull(RegionEndpoints.single(" ").forRegion("us-east-1"));
  }

  @Test
  void aMalformedEntryFailsAtStartNamingIt() {
    for (String entry :
        List.of("us-east-1", "=http://x", "us-east-1=ftp://x", "not a region=http://x")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> RegionEndpoints.parse(List.of(entry), null));
      assertTrue(
          e.getMessage().contains(entry) && e.getMessage().contains("region=url"), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> RegionEndpoints.parse(List.of("us-east-1=http://a", "us-east-1=http://b"), null));
  }
}
