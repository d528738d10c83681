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
  sessions               bigint         not null default 0 comment 'distinct sessions of the user',
  recency_score          tinyint        null comment 'RFM R, 1..5: 1 + floor(5 x share of users whose last event day is older) (5 = most recent)',
  frequency_score        tinyint        null comment 'RFM F, 1..5: 1 + floor(5 x share of users with fewer sessions)',
  monetary_score         tinyint        null comment 'RFM M, 1..5: 1 + floor(5 x share of users with less total_revenue)',
  rfm_segment            varchar(16)    null comment 'champions | loyal | new | at_risk | lost | regular, from the three scores',
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

-- Analyst marts. A rate is NULL when its denominator is 0. Keys that are free text are replaced by their bigint
-- hash (brand_key = the star schema's dim_brand.brand_key), as free text has no length limit.

create table if not exists category_performance (
  event_date             date           not null,
  category_id            bigint         not null,
  category_code          text           null comment 'latest known code of the category (dim_category), NULL when none is known yet',
  top_category           text           null comment 'first level of category_code',
  views                  bigint         not null,
  carts                  bigint         not null,
  purchases              bigint         not null,
  revenue                decimal(18,2)  not null,
  users                  bigint         not null comment 'distinct users with an event in the category that day',
  sessions               bigint         not null comment 'distinct sessions with an event in the category that day',
  view_to_cart_rate      double         null,
  cart_to_purchase_rate  double         null,
  updated_batch_id       varchar(128)   null,
  primary key (event_date, category_id),
  key ix_category_performance_category (category_id)
) engine = InnoDB default charset = utf8mb4;

create table if not exists brand_performance (
  event_date             date           not null,
  brand_key              bigint         not null comment 'dim_brand.brand_key; 0 for events without a brand',
  brand                  text           null comment 'NULL for events without a brand',
  views                  bigint         not null,
  carts                  bigint         not null,
  purchases              bigint         not null,
  revenue                decimal(18,2)  not null,
  users                  bigint         not null,
  sessions               bigint         not null,
  view_to_cart_rate      double         null,
  cart_to_purchase_rate  double         null,
  updated_batch_id       varchar(128)   null,
  primary key (event_date, brand_key),
  key ix_brand_performance_brand (brand_key)
) engine = InnoDB default charset = utf8mb4;

create table if not exists product_performance (
  product_id             bigint         not null,
  views                  bigint         not null,
  carts                  bigint         not null,
  purchases              bigint         not null,
  revenue                decimal(18,2)  not null,
  view_to_cart_rate      double         null,
  cart_to_purchase_rate  double         null,
  first_seen_at          datetime       not null,
  last_seen_at           datetime       not null,
  brand                  text           null comment 'brand of the latest event (as dim_product)',
  category_id            bigint         null comment 'category of the latest event (as dim_product)',
  category_code          text           null comment 'latest known code of that category',
  updated_batch_id       varchar(128)   null,
  primary key (product_id),
  key ix_product_performance_revenue (revenue)
) engine = InnoDB default charset = utf8mb4;

create table if not exists hourly_activity (
  day_of_week            tinyint        not null comment 'ISO day of week of the event time in UTC: 1 = Monday .. 7 = Sunday',
  hour_of_day            tinyint        not null comment '0..23, UTC',
  events                 bigint         not null,
  views                  bigint         not null,
  carts                  bigint         not null,
  removes                bigint         not null,
  purchases              bigint         not null,
  revenue                decimal(18,2)  not null,
  updated_batch_id       varchar(128)   null,
  primary key (day_of_week, hour_of_day)
) engine = InnoDB default charset = utf8mb4;

create table if not exists cohort_retention (
  cohort_week            date           not null comment 'Monday of the ISO week (UTC) of the first clean event of the user',
  week_offset            int            not null comment '0 = the cohort week itself',
  cohort_users           bigint         not null comment 'users in the cohort',
  active_users           bigint         not null comment 'cohort users with an event in week cohort_week + week_offset',
  purchasing_users       bigint         not null comment 'cohort users with a purchase in that week',
  retention_rate         double         null comment 'active_users / cohort_users',
  updated_batch_id       varchar(128)   null,
  primary key (cohort_week, week_offset)
) engine = InnoDB default charset = utf8mb4;

create table if not exists cart_abandonment (
  session_date           date           not null comment 'UTC day of the first event of the session',
  carting_sessions       bigint         not null comment 'sessions with at least one cart event',
  abandoned_sessions     bigint         not null comment 'carting sessions without a purchase event',
  abandoned_value        decimal(18,2)  not null comment 'sum of price over the cart events of the abandoned sessions',
  cart_purchase_rate     double         null comment '(carting_sessions - abandoned_sessions) / carting_sessions',
  updated_batch_id       varchar(128)   null,
  primary key (session_date)
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
