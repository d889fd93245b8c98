-- MHSDS Monthly Statistics measures (main, out-of-area placement and 4-week-waits files), one row per
-- reporting period (both dates: a file mixes months, rolling quarters and rolling 12 months) x breakdown x
-- level x measure. '*' (suppressed) becomes a NULL value with is_suppressed = true. Where a later release
-- restates a row, a 'Final' status wins over 'Performance' over 'Provisional', then the latest landed file.
-- Incremental: a build reads only landed files it has not seen (macros/landed_increment.sql); their rows compete
-- with the built rows of the same key (row_key), and the winners replace them.
{%- set key_columns = [
    'reporting_period_start',
    'reporting_period_end',
    'breakdown',
    'primary_level',
    'secondary_level',
    'measure_id'
] %}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='delete+insert',
    unique_key='row_key',
    on_schema_change='fail',
    pre_hook="{{ delete_rows_of_replaced_files('mhsds_monthly') }}"
) }}

with

source as (
    select * from {{ landed_increment('mhsds', 'mhsds_monthly') }}
),

renamed as (
    select
        reporting_period_start,
        reporting_period_end,
        cast(
            {{ months_apart('reporting_period_start', 'reporting_period_end + interval 1 day') }} as integer
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
        _landed_at as landed_at,
        _source_sha256 as source_sha256,
        {{ natural_key(key_columns) }} as row_key
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
{% if is_incremental() %}
    built as (  -- noqa: ST03
        -- the built rows of the keys the new files restate (read by union_all_by_name below)
        select * from {{ this }}
        where row_key in (select typed.row_key from typed)
    ),
{% endif %}
candidates as (
    {{ union_all_by_name(['typed', 'built'] if is_incremental() else ['typed'], this) | indent(4) }}
),

latest as (
    select * from candidates
    qualify row_number() over (
        partition by row_key
        order by
            case status when 'Final' then 1 when 'Performance' then 2 else 3 end,
            landed_at desc,
            source_file desc
    ) = 1
)

select * from latest
