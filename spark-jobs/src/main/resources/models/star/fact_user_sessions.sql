-- fact_user_sessions: one row per user and session the user has an event in, with the batch that first saw the pair.
-- The helper of mart_user_engagement.sessions: the pairs this run added (batch_id = this run's) are the user's new
-- sessions, so distinct sessions add up across batches, even for a session that spans batches.
--
-- key: user_key, user_session
-- strategy: insert-missing
-- reads: ref('stg_events')

with pairs as (

    select distinct user_id, user_session from {{ ref('stg_events') }}

),

final as (

    select
        user_id as user_key,
        user_session,
        ${batch_id} as batch_id
    from pairs

)

select * from final
