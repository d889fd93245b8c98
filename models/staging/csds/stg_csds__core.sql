-- Community Services Statistics core data: one row per reporting period x organisation x level x dimension x
-- count type x measure (x second measure); the latest landed file wins for a restated row.
-- Incremental: a build reads only landed files it has not seen (macros/landed_increment.sql); their rows compete
-- with the built rows of the same key (row_key), and the winners replace them.
{%- set key_columns = [
    'reporting_period_start',
    'reporting_period_end',
    'org_code',
    'org_level',
    'dimension',
    'count_of',
    'measure',
    'measure_2'
] %}
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='delete+insert',
    unique_key='row_key',
    on_schema_change='fail',
    pre_hook="{{ delete_rows_of_replaced_files('csds_core') }}"
) }}

with

source as (
    select * from {{ landed_increment('csds', 'csds_core') }}
),

renamed as (
    select
        reporting_period_start,
        reporting_period_end,
        org_code,
        org_name,
        org_level,
        dimension,
        count_of,
        measure,
        measure_desc,
        measure_2,
        measure_2_desc,
        measure_value,
        measure_value_0_18,
        measure_value_19_64,
        measure_value_65_plus,
        _source_file as source_file,
        _source_line as source_line,
        _landed_at as landed_at,
        _source_sha256 as source_sha256,
        {{ natural_key(key_columns) }} as row_key
    from source
),
{% if is_incremental() %}
    built as (  -- noqa: ST03
        -- the built rows of the keys the new files restate (read by union_all_by_name below)
        select * from {{ this }}
        where row_key in (select renamed.row_key from renamed)
    ),
{% endif %}
candidates as (
    {{ union_all_by_name(['renamed', 'built'] if is_incremental() else ['renamed'], this) | indent(4) }}
),

latest as (
    {{ latest_landed_rows('candidates', ['row_key']) }}
)

select * from latest
