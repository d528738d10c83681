-- V1.3: user_engagement's columns of issue 15 (distinct sessions and RFM), after last_event_at as sql/01_tables.sql
-- has them, on a database V1 created before they existed. Safe where V1 already created them: each column is added
-- only when information_schema does not list it (MySQL has no `add column if not exists`), as in V1.1. The rows
-- already there get sessions 0 and NULL scores until the export sends them again (a marts full refresh does).

set @clicklake_s = (
  select if(count(*) = 0,
            'alter table user_engagement add column sessions bigint not null default 0 comment ''distinct sessions of the user'' after last_event_at',
            'do 0')
    from information_schema.columns
   where table_schema = database() and table_name = 'user_engagement' and column_name = 'sessions');
prepare clicklake_st from @clicklake_s;
execute clicklake_st;
deallocate prepare clicklake_st;

set @clicklake_s = (
  select if(count(*) = 0,
            'alter table user_engagement add column recency_score tinyint null comment ''RFM R, 1..5: 1 + floor(5 x share of users whose last event day is older) (5 = most recent)'' after sessions',
            'do 0')
    from information_schema.columns
   where table_schema = database() and table_name = 'user_engagement' and column_name = 'recency_score');
prepare clicklake_st from @clicklake_s;
execute clicklake_st;
deallocate prepare clicklake_st;

set @clicklake_s = (
  select if(count(*) = 0,
            'alter table user_engagement add column frequency_score tinyint null comment ''RFM F, 1..5: 1 + floor(5 x share of users with fewer sessions)'' after recency_score',
            'do 0')
    from information_schema.columns
   where table_schema = database() and table_name = 'user_engagement' and column_name = 'frequency_score');
prepare clicklake_st from @clicklake_s;
execute clicklake_st;
deallocate prepare clicklake_st;

set @clicklake_s = (
  select if(count(*) = 0,
            'alter table user_engagement add column monetary_score tinyint null comment ''RFM M, 1..5: 1 + floor(5 x share of users with less total_revenue)'' after frequency_score',
            'do 0')
    from information_schema.columns
   where table_schema = database() and table_name = 'user_engagement' and column_name = 'monetary_score');
prepare clicklake_st from @clicklake_s;
execute clicklake_st;
deallocate prepare clicklake_st;

set @clicklake_s = (
  select if(count(*) = 0,
            'alter table user_engagement add column rfm_segment varchar(16) null comment ''champions | loyal | new | at_risk | lost | regular, from the three scores'' after monetary_score',
            'do 0')
    from information_schema.columns
   where table_schema = database() and table_name = 'user_engagement' and column_name = 'rfm_segment');
prepare clicklake_st from @clicklake_s;
execute clicklake_st;
deallocate prepare clicklake_st;

set @clicklake_s = null;
