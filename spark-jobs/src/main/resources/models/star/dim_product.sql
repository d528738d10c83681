-- dim_product: one row per product. Its category, brand and price come from its latest event by
-- (event_time, event_id), even when that event's brand or category is NULL.
--
-- key: product_key
-- strategy: combine
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events; the later (last_seen_at, last_event_id) wins):
--   category_key = case when struct(s.last_seen_at, s.last_event_id) > struct(t.last_seen_at, t.last_event_id) then s.category_key else t.category_key end
--   brand_key = case when struct(s.last_seen_at, s.last_event_id) > struct(t.last_seen_at, t.last_event_id) then s.brand_key else t.brand_key end
--   brand = case when struct(s.last_seen_at, s.last_event_id) > struct(t.last_seen_at, t.last_event_id) then s.brand else t.brand end
--   last_price = case when struct(s.last_seen_at, s.last_event_id) > struct(t.last_seen_at, t.last_event_id) then s.last_price else t.last_price end
--   first_seen_at = least(t.first_seen_at, s.first_seen_at)
--   last_event_id = case when struct(s.last_seen_at, s.last_event_id) > struct(t.last_seen_at, t.last_event_id) then s.last_event_id else t.last_event_id end
--   last_seen_at = greatest(t.last_seen_at, s.last_seen_at)

with events as (

    select * from {{ ref('stg_events') }}

),

-- The latest event of each product: its time by a hash aggregate, then the greatest event_id (and its attributes)
-- among the events at that time, rather than a sort of the whole batch.
times as (

    select
        product_id,
        max(event_time) as last_seen_at,
        min(event_time) as first_seen_at
    from events
    group by product_id

),

at_last as (

    select /*+ BROADCAST(t) */
        s.product_id,
        max(struct(s.event_id, s.category_id, s.brand, s.brand_key, s.price)) as latest
    from events s
    join times t on s.product_id = t.product_id and s.event_time = t.last_seen_at
    group by s.product_id

),

final as (

    select
        t.product_id as product_key,
        t.product_id,
        a.latest.category_id as category_key,
        a.latest.brand_key,
        a.latest.brand as brand,
        a.latest.price as last_price,
        a.latest.event_id as last_event_id,
        t.first_seen_at,
        t.last_seen_at
    from times t
    join at_last a on a.product_id = t.product_id

)

select * from final
