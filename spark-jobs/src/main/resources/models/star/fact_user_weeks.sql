-- fact_user_weeks: one row per user and ISO week (UTC, from Monday) in which the user has a clean event: its events
-- and purchases. The helper of mart_cohort_retention: a user's cohort is the first of its weeks, so the cohorts are
-- recomputed from this table (users times active weeks) instead of from every event.
--
-- key: user_key, week_start
-- strategy: combine
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events):
--   events = t.events + s.events
--   purchases = t.purchases + s.purchases
--   updated_batch_id = s.updated_batch_id

with events as (

    select user_id, date_sub(event_date, weekday(event_date)) as week_start, is_purchase
    from {{ ref('stg_events') }}

),

final as (

    select
        user_id as user_key,
        week_start,
        count(*) as events,
        cast(sum(is_purchase) as bigint) as purchases,
        ${batch_id} as updated_batch_id
    from events
    group by user_id, week_start

)

select * from final
