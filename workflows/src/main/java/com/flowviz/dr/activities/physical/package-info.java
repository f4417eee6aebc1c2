/**
 * Physical backups of a self-managed PostgreSQL server: encrypted base backups ({@code
 * pg_basebackup}) and the continuously archived WAL that makes them restorable to any instant. The
 * layout in the bucket is {@link com.flowviz.dr.activities.physical.PhysicalArchiveLayout}'s.
 */
package com.flowviz.dr.activities.physical;
