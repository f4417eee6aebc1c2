package com.flowviz.dr.activities.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param delivered channels that took the notification, e.g. "sns:arn:aws:sns:...",
 *     "webhook:slack:https://..."
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NotificationReceipt(String eventId, List<String> delivered) {}
