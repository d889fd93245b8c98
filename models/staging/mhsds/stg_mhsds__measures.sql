-- MHSDS Monthly Statistics measures (main, out-of-area placement and 4-week-waits files), one row per
-- reporting period (both dates: a file mixes months, rolling quarters and rolling 12 months) x breakdown x
-- level x measure. '*' (suppressed) becomes a NULL value with is_suppressed = true. Where a later release
-- restates a row, a 'Final' status wins over 'Performance' over 'Provisional', then the latest landed file.
with

source as (
    select * from {{ landed_source('mhsds_monthly') }}
),

renamed as (
    select
        reporting_period_start,
        reporting_period_end,
        cast(
            date_diff('month', reporting_period_start, reporting_period_end + interval 1 day) as integer
        ) as period_months,
        status,
        breakdown,
        primary_level,
        primary_level_description,
        secondary_level,
        secondary_level_description,
        measure_id,
        measure_name,
        measure_value = '*' as is_suppressed,
        case when measure_value != '*' then cast(replace(measure_value, ',', '') as double) end as measure_value,
        split_part(_period_key, '|', 1) as file_kind,
        _source_file as source_file,
        _source_line as source_line,
        _landed_at as landed_at
    from source
),

typed as (
    select
        *,
        case period_months
            when 1 then 'month'
            when 3 then 'rolling_quarter'
            when 12 then 'rolling_12_months'
            else 'other'
        end as period_type
    from renamed
),

latest as (
    select * from typed
    qualify row_number() over (
        partition by
            reporting_period_start, reporting_period_end, breakdown, primary_level, secondary_level, measure_id
        order by
            case status when 'Final' then 1 when 'Performance' then 2 else 3 end,
            landed_at desc,
            source_file desc
    ) = 1
)

select * from latest
