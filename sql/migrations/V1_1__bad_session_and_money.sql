-- V1.1: what a database created by a release before Flyway may lack (that release's export only created missing
-- tables, and the ALTERs were left to the user): pipeline_batches.q_bad_session, and money as decimal(18,2)
-- instead of decimal(14,2). Safe on a database that already has both: the column is added only when
-- information_schema does not list it (MySQL has no `add column if not exists`), and `modify` to the same
-- definition changes nothing.

set @clicklake_s = (
  select if(count(*) = 0,
            'alter table pipeline_batches add column q_bad_session bigint null after q_missing_session',
            'do 0')
    from information_schema.columns
   where table_schema = database() and table_name = 'pipeline_batches' and column_name = 'q_bad_session');
prepare clicklake_st from @clicklake_s;
execute clicklake_st;
deallocate prepare clicklake_st;
set @clicklake_s = null;

alter table user_engagement modify total_revenue decimal(18,2) not null default 0.00;
alter table session_revenue modify total_revenue decimal(18,2) not null default 0.00;
alter table daily_funnel modify revenue decimal(18,2) not null;
