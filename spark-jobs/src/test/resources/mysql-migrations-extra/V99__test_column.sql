-- A later release's migration, for MySqlMigrationsTest: a new column reaches a database that already has rows.
alter table daily_funnel add column returns bigint not null default 0 after purchases;
