-- One row per file of a batch: name, size, SHA-256, status and the accounting of that file.
create table if not exists ${catalog}.${namespace}.batch_files (
  batch_id          string comment 'batch the file belongs to',
  file_name         string comment 'file name inside the landing instance',
  file_index        int    comment 'position of the file in the batch (name order); decides which duplicate copy is kept',
  bytes             bigint comment 'size of the file as landed',
  sha256            string comment 'SHA-256 of the file bytes as landed (hex)',
  status            string comment 'loaded | skipped_duplicate_file | rejected',
  reason            string comment 'why the file was skipped or rejected (NULL when loaded)',
  rows_read         bigint comment 'non-blank data lines',
  rows_clean        bigint comment 'rows of this file written to events',
  rows_quarantined  bigint comment 'rows of this file quarantined',
  rows_duplicate    bigint comment 'clean rows of this file dropped as duplicates'
)
using iceberg
tblproperties ('format-version' = '2')
