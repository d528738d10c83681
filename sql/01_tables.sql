-- Published tables that Power BI reads (and, last, the export lock's holder record). Runs on MySQL 8.0+ and MariaDB 10.11+.
-- This file is the one definition of the MySQL schema (docs, Power BI and the dashboard read it too). The export
-- applies it as Flyway's V1 (create what is missing; history in clicklake_schema_history); a change to an existing
-- table goes here and into a new sql/migrations/V<n>__<what>.sql that does nothing where this file already made it
-- (MySqlMigrationsTest checks that an empty and an old database both end up as this file says).
-- The export copies each table's columns from the Iceberg table of the same name (mart_<name>; batches for
-- pipeline_batches): a column added here must exist there. It stages into <table>__stage (incremental) or <table>__new
-- (full refresh, swapped in with one RENAME TABLE), both CREATE TABLE ... LIKE the table.
-- Columns up to cart_to_purchase_rate / total_revenue are exactly data contract section 5.
-- Keys that are free text compare byte for byte (utf8mb4_bin): sessions 'A' and 'a' are two rows.

create table if not exists user_engagement (
  user_id                bigint         not null,
  total_views            int            not null,
  total_add_to_cart      int            not null,
  total_purchases        int            not null,
  view_to_cart_rate      double         null,
  cart_to_purchase_rate  double         null,
  total_remove_from_cart int            not null default 0,
  total_revenue          decimal(18,2)  not null default 0.00,
  first_event_at         datetime       null,
  last_event_at          datetime       null,
  updated_batch_id       varchar(128)   null,
  primary key (user_id),
  key ix_user_engagement_purchases (total_purchases),
  key ix_user_engagement_last_event (last_event_at)
) engine = InnoDB default charset = utf8mb4;

create table if not exists session_revenue (
  user_session      varchar(64)    character set utf8mb4 collate utf8mb4_bin not null,
  total_revenue     decimal(18,2)  not null default 0.00,
  user_id           bigint         null,
  first_event_at    datetime       null,
  last_event_at     datetime       null,
  events            bigint         not null default 0,
  views             bigint         not null default 0,
  carts             bigint         not null default 0,
  purchases         bigint         not null default 0,
  updated_batch_id  varchar(128)   null,
  primary key (user_session),
  key ix_session_revenue_revenue (total_revenue),
  key ix_session_revenue_user (user_id),
  key ix_session_revenue_first_event (first_event_at)
) engine = InnoDB default charset = utf8mb4;

create table if not exists daily_funnel (
  event_date           date           not null,
  views                bigint         not null,
  carts                bigint         not null,
  removes              bigint         not null,
  purchases            bigint         not null,
  revenue              decimal(18,2)  not null,
  sessions             bigint         not null,
  purchasing_sessions  bigint         not null,
  buyers               bigint         not null,
  users                bigint         not null,
  updated_batch_id     varchar(128)   null,
  primary key (event_date)
) engine = InnoDB default charset = utf8mb4;

create table if not exists pipeline_batches (
  batch_id           varchar(128)  character set utf8mb4 collate utf8mb4_bin not null,
  instance_path      varchar(1024) null,
  started_at         datetime      null,
  finished_at        datetime      null,
  status             varchar(16)   null,
  files_total        int           null,
  files_loaded       int           null,
  files_skipped      int           null,
  files_rejected     int           null,
  rows_read          bigint        null,
  rows_clean         bigint        null,
  rows_quarantined   bigint        null,
  rows_duplicate     bigint        null,
  q_malformed_row    bigint        null,
  q_bad_event_time   bigint        null,
  q_bad_event_type   bigint        null,
  q_bad_product_id   bigint        null,
  q_bad_category_id  bigint        null,
  q_bad_price        bigint        null,
  q_bad_user_id      bigint        null,
  q_missing_session  bigint        null,
  q_bad_session      bigint        null,
  stage_status       varchar(16)   null,
  clean_status       varchar(16)   null,
  marts_status       varchar(16)   null,
  export_status      varchar(16)   null,
  purge_status       varchar(16)   null,
  stage_at           datetime      null,
  clean_at           datetime      null,
  marts_at           datetime      null,
  export_at          datetime      null,
  purge_at           datetime      null,
  staging_path       varchar(1024) null,
  purged_files       int           null,
  purged_bytes       bigint        null,
  rows_written       text          null comment 'JSON object: rows written per table by the marts and export stages',
  error_message      varchar(2048) null comment 'last error of a failed stage',
  primary key (batch_id),
  key ix_pipeline_batches_finished (finished_at),
  key ix_pipeline_batches_export (export_at)
) engine = InnoDB default charset = utf8mb4;

-- Not published: who holds the export's MySQL lock (GET_LOCK('clicklake.export.<database>')), written by
-- the export right after it takes the lock, so that a second run can name the holder (ExportLock). The
-- reporting user (02_reporting_user.sql) has no grant on it.
create table if not exists clicklake_export_lock (
  lock_name      varchar(64)   not null,
  connection_id  bigint        not null comment 'CONNECTION_ID() of the holder; the row counts only while IS_USED_LOCK(lock_name) equals it',
  batch_id       varchar(128)  null,
  run_token      varchar(16)   null comment 'suffix of the run''s staging tables',
  host           varchar(255)  null,
  process        varchar(64)   null,
  acquired_at    datetime      null comment 'UTC',
  primary key (lock_name)
) engine = InnoDB default charset = utf8mb4;
