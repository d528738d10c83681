-- dim_category: one row per category, with its latest non-NULL code by (event_time, category_code). An event
-- without a code never erases a known code.
--
-- key: category_key
-- strategy: combine
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events; the code columns move together):
--   category_code = case when s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code)) then s.category_code else t.category_code end
--   code_seen_at = case when s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code)) then s.code_seen_at else t.code_seen_at end
--   level_1 = case when s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code)) then s.level_1 else t.level_1 end
--   level_2 = case when s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code)) then s.level_2 else t.level_2 end
--   level_3 = case when s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code)) then s.level_3 else t.level_3 end
--   level_4 = case when s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code)) then s.level_4 else t.level_4 end

with events as (

    select * from {{ ref('stg_events') }}

),

-- The latest code of each category: its time by a hash aggregate, then the code among the (few) events at that
-- time, rather than max(struct(time, code)) over every event (a sort of the whole batch).
coded_at as (

    select
        category_id,
        max(case when category_code is not null then event_time end) as code_seen_at
    from events
    where category_id is not null
    group by category_id

),

codes as (

    select /*+ BROADCAST(c) */
        s.category_id,
        max(s.category_code) as category_code
    from events s
    join coded_at c on s.category_id = c.category_id and s.event_time = c.code_seen_at
    where s.category_code is not null
    group by s.category_id

),

final as (

    select
        c.category_id as category_key,
        c.category_id,
        k.category_code,
        c.code_seen_at,
        get(split(k.category_code, '[.]'), 0) as level_1,
        get(split(k.category_code, '[.]'), 1) as level_2,
        get(split(k.category_code, '[.]'), 2) as level_3,
        get(split(k.category_code, '[.]'), 3) as level_4
    from coded_at c
    left join codes k on k.category_id = c.category_id

)

select * from final
