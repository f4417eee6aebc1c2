package com.flowviz.dr.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AwsFactoryTest {

  @Test
  void snsPublishesInTheRegionOfItsTopic() {
    assertEquals(
        "us-west-2",
        AwsFactory.topicRegion("arn:aws:sns:us-west-2:123456789012:flowviz-dr", "us-east-1"));
    assertEquals("us-east-1", AwsFactory.topicRegion(null, "us-east-1"));
    assertEquals("us-east-1", AwsFactory.topicRegion("not-an-arn", "us-east-1"));
  }
}
