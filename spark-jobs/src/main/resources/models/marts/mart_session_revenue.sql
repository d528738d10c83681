-- mart_session_revenue: one row per session, for reporting: the fact_sessions rows this run changed, copied whole.
--
-- key: user_session
-- strategy: replace-keys
-- prune by: first_event_at
-- reads: ref('fact_sessions')

with sessions as (

    select * from {{ ref('fact_sessions') }}
    where updated_batch_id = ${batch_id}

),

final as (

    select
        user_session,
        revenue as total_revenue,
        user_key as user_id,
        first_event_at,
        last_event_at,
        events,
        views,
        carts,
        purchases,
        updated_batch_id
    from sessions

)

select * from final
