-- mart_cohort_retention: one row per cohort and week offset. A user's cohort is the ISO week (UTC, from Monday) of
-- its first clean event; a late event with an earlier time moves the user to an earlier cohort. For each cohort and
-- offset 0..N: the cohort's users, those active in week cohort_week + week_offset, those with a purchase in it, and
-- their share (NULL when the cohort is empty). The table is small (weeks times weeks), so every run recomputes all of
-- it from fact_user_weeks (one row per user and active week, not every event) and writes only the rows whose values
-- changed; a stored cell the data no longer has (its cohort's users all moved) is deleted.
--
-- key: cohort_week, week_offset
-- strategy: replace-keys
-- delete when: s.cohort_users = 0
-- reads: ref('fact_user_weeks')

with weeks as (

    select user_key, week_start, purchases from {{ ref('fact_user_weeks') }}

),

cohorts as (

    select user_key, min(week_start) as cohort_week
    from weeks
    group by user_key

),

sizes as (

    select cohort_week, count(*) as cohort_users
    from cohorts
    group by cohort_week

),

cells as (

    select /*+ BROADCAST(c) */
        c.cohort_week,
        cast(datediff(w.week_start, c.cohort_week) div 7 as int) as week_offset,
        count(*) as active_users,
        cast(sum(case when w.purchases > 0 then 1 else 0 end) as bigint) as purchasing_users
    from weeks w
    join cohorts c on c.user_key = w.user_key
    group by c.cohort_week, cast(datediff(w.week_start, c.cohort_week) div 7 as int)

),

computed as (

    select
        c.cohort_week,
        c.week_offset,
        s.cohort_users,
        c.active_users,
        c.purchasing_users,
        {{ rate(c.active_users, s.cohort_users) }} as retention_rate
    from cells c
    join sizes s on s.cohort_week = c.cohort_week

),

stored as (

    select * from {{ this }} where not ${full_refresh}

),

-- the computed rows that differ from the stored ones, and a zero row (deleted) for each stored row no longer computed
changed as (

    select
        coalesce(c.cohort_week, t.cohort_week) as cohort_week,
        coalesce(c.week_offset, t.week_offset) as week_offset,
        coalesce(c.cohort_users, cast(0 as bigint)) as cohort_users,
        coalesce(c.active_users, cast(0 as bigint)) as active_users,
        coalesce(c.purchasing_users, cast(0 as bigint)) as purchasing_users,
        c.retention_rate
    from computed c
    full outer join stored t on t.cohort_week = c.cohort_week and t.week_offset = c.week_offset
    where t.cohort_week is null
        or c.cohort_week is null
        or not (t.cohort_users = c.cohort_users
            and t.active_users = c.active_users
            and t.purchasing_users = c.purchasing_users
            and t.retention_rate <=> c.retention_rate)

),

final as (

    select *, ${batch_id} as updated_batch_id from changed

)

select * from final
