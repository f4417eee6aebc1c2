package com.flowviz.dr.workflows.freshness;

import com.flowviz.dr.activities.postgres.ServerNames;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.RegionInput;
import java.time.Duration;
import java.util.List;

/**
 * A freshness monitor's request with its defaults filled in, checked before the first check.
 *
 * @param given the locations as given (or the defaults), carried to the next run as they are
 * @param locations each of {@code given}, parsed, nothing known of it yet
 * @param servers the servers whose WAL exposure is watched (from version "wal-exposure" on)
 * @param walBucket the WAL archive's bucket; {@code walRegion} null for the worker's region
 */
record FreshnessPlan(
    Duration interval,
    int checksPerRun,
    String operator,
    List<String> given,
    List<LocationFreshness> locations,
    List<String> servers,
    String walBucket,
    String walRegion) {

  static final List<String> DEFAULT_LOCATIONS =
      List.of(
          Defaults.BUCKET + "/" + Defaults.DAILY_PREFIX,
          Defaults.DR_BUCKET + "/" + Defaults.DAILY_PREFIX + "@us-west-2");

  static FreshnessPlan from(FreshnessMonitorRequest request) {
    Duration interval =
        DurationInput.parse(
            "checkInterval",
            request.checkInterval(),
            Duration.ofMinutes(10),
            Duration.ofMinutes(1),
            Duration.ofHours(6));
    int checksPerRun = request.checksPerRun() == null ? 144 : request.checksPerRun();
    if (checksPerRun < 1 || checksPerRun > 10_000) {
      throw InputValidation.invalid(
          "checksPerRun " + checksPerRun + " is out of range: 1 to 10000.");
    }
    String operator = InputValidation.operator(request.operator());
    List<String> given =
        request.locations() == null || request.locations().isEmpty()
            ? DEFAULT_LOCATIONS
            : request.locations();
    List<LocationFreshness> locations =
        given.stream().map(MonitorBackupFreshnessWorkflowImpl::parse).toList();
    List<String> servers =
        request.archivingServers() == null || request.archivingServers().isEmpty()
            ? List.of(ServerNames.PRODUCTION)
            : request.archivingServers();
    for (String server : servers) {
      if (server == null || !ServerNames.isServerName(server)) {
        throw InputValidation.invalid(
            "archivingServers: \""
                + InputValidation.printable(String.valueOf(server))
                + "\" is not a server name: give \"production\", \"instance:<name>\" or"
                + " \"stack:<workspace>\".");
      }
    }
    if (servers.stream().distinct().count() != servers.size()) {
      throw InputValidation.invalid("archivingServers names a server twice: " + servers + ".");
    }
    String walBucket = request.walBucket() == null ? Defaults.BUCKET : request.walBucket().trim();
    String walRegion = null;
    int at = walBucket.lastIndexOf('@');
    if (at > 0) {
      walRegion = RegionInput.validate("walBucket region", walBucket.substring(at + 1));
      walBucket = walBucket.substring(0, at);
    }
    walBucket = InputValidation.bucketName("walBucket", walBucket);
    return new FreshnessPlan(
        interval, checksPerRun, operator, given, locations, servers, walBucket, walRegion);
  }
}
