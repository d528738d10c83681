-- stg_events: the events this run folds in: the batch's events (batch_id min/max prunes the other files), or every
-- event on a full refresh. Every star and mart model but mart_daily_funnel aggregates these.
--
-- key: event_id
-- strategy: view
-- reads: ref('stg_all_events')

with events as (

    select * from {{ ref('stg_all_events') }}

),

final as (

    select * from events
    where ${full_refresh} or batch_id = ${batch_id}

)

select * from final
