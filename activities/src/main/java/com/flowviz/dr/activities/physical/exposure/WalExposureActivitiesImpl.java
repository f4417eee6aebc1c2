package com.flowviz.dr.activities.physical.exposure;

import com.flowviz.dr.activities.physical.ArchiveContents;
import com.flowviz.dr.activities.physical.ArchiveLocation;
import com.flowviz.dr.activities.physical.ArchiverStatus;
import com.flowviz.dr.activities.physical.WalExposureActivities;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PgServers;

/** The server's and the bucket's view of the WAL archive's exposure; both only read. */
public class WalExposureActivitiesImpl implements WalExposureActivities {

  private final PgServers servers;
  private final ArchiverStatusReader status = new ArchiverStatusReader();
  private final ArchiveContentsReader contents;

  public WalExposureActivitiesImpl(PgServers servers, ArchiveContentsReader contents) {
    this.servers = servers;
    this.contents = contents;
  }

  @Override
  public ArchiverStatus archiverStatus(String server) {
    return status.read(server, servers.client(PgServer.named(server)));
  }

  @Override
  public ArchiveContents archiveContents(ArchiveLocation location) {
    return contents.read(location);
  }
}
