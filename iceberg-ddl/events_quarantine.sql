-- Rows that failed a row rule (data contract section 2), kept with file, line, raw text and reason.
create table if not exists ${catalog}.${namespace}.events_quarantine (
  batch_id     string comment 'batch that read the row',
  source_file  string comment 'file name inside the landing instance',
  line_number  bigint comment 'physical line in the file (header = 1)',
  raw_line     string comment 'the line as read, without its line ending',
  reason       string comment 'first failing rule: malformed_row | bad_event_time | bad_event_type | bad_product_id | bad_category_id | bad_price | bad_user_id | missing_session | bad_session',
  detail       string comment 'what was expected and what was found'
)
using iceberg
partitioned by (batch_id)
tblproperties ('format-version' = '2', 'write.parquet.compression-codec' = 'zstd',
  -- each write task appends its own rows (no shuffle before the write); a task writes every day it holds
  'write.distribution-mode' = 'none', 'write.spark.fanout.enabled' = 'true')
