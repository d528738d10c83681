-- One row per table write of a batch's stage: the durable record that the write committed. A retry of the stage
-- consults it (with the snapshot tags, which snapshot expiry removes) so that it never writes a table twice,
-- however long after the failure it runs and whatever maintenance did in between. Append-only.
create table if not exists ${catalog}.${namespace}.batch_commits (
  batch_id      string    comment 'batch whose stage committed the write',
  stage         string    comment 'clean | marts | ...',
  table_name    string    comment 'table the write committed to',
  snapshot_id   bigint    comment 'Iceberg snapshot the write created',
  rows_written  bigint    comment 'records added by that snapshot (inserted plus updated rows for a MERGE)',
  committed_at  timestamp comment 'when the write committed'
)
using iceberg
tblproperties ('format-version' = '2')
