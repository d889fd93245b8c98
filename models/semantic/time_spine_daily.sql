-- The semantic layer's daily time spine (MetricFlow needs one at day grain): every day of the quarters dim_quarter
-- lists, from the first quarter's first day to the last quarter's last day.
with

quarters as (
    select * from {{ ref('dim_quarter') }}
),

bounds as (
    select
        min(quarter_start_date) as first_date,
        max(quarter_end_date) as last_date
    from quarters
),

day_timestamps as (
    select
        {{ unnest_series('cast(first_date as timestamp)', 'cast(last_date as timestamp)', 'interval 1 day') }}
            as day_start
    from bounds
),

final as (
    select cast(day_start as date) as date_day
    from day_timestamps
)

select * from final
