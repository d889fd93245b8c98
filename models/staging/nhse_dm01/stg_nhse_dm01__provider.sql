-- DM01 provider web file, 'Provider' sheet (raw_formats 5.1): one row per month x provider; the England
-- 'Total' row as org_code 'ENGLAND'. Revised files replace the month at landing.
with

source as (
    select * from {{ landed_source('nhse_dm01', 'nhse_dm01_provider') }}
),

final as (
    select
        cast({{ parse_timestamp("'01 ' || period", '%d %B %Y') }} as date) as month_start,
        coalesce(provider_code, 'ENGLAND') as provider_code,
        provider_code is null as is_england_total,
        regional_team_code,
        provider_name,
        total_waiting_list,
        waiting_6_plus_weeks,
        waiting_13_plus_weeks,
        pct_waiting_6_plus_weeks as published_pct_waiting_6_plus_weeks,
        waiting_6_plus_weeks / nullif(total_waiting_list, 0) as pct_waiting_6_plus_weeks,
        planned_activity,
        unscheduled_activity,
        waiting_list_activity,
        published,
        _source_file as source_file,
        _source_line as source_line
    from source
)

select * from final
