-- Brand dimension: one row per lower-cased brand. Key = xxhash64(brand): stable across runs and
-- computable in any job without a lookup, so incremental batches and full refreshes agree.
create table if not exists ${catalog}.${namespace}.dim_brand (
  brand_key  bigint comment 'xxhash64 of the brand name',
  brand      string comment 'brand, lower-cased'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')
