-- dim_user: one row per user: first and last activity and the number of events.
--
-- key: user_key
-- strategy: combine
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events):
--   first_seen_at = least(t.first_seen_at, s.first_seen_at)
--   last_seen_at = greatest(t.last_seen_at, s.last_seen_at)
--   events = t.events + s.events

with events as (

    select * from {{ ref('stg_events') }}

),

final as (

    select
        user_id as user_key,
        user_id,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as events
    from events
    group by user_id

)

select * from final
