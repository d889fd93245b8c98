-- DM01 full extract (raw_formats 5.2): month x provider x commissioner x diagnostic test, every field
-- quoted in the file. diagnostic_test 'TOTAL' is the publisher's own roll-up over the 15 tests.
-- Incremental by landed file (one month each): a build reads only the files it has not seen
-- (macros/landed_increment.sql).
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='delete+insert',
    unique_key='period_key',
    on_schema_change='fail',
    pre_hook="{{ delete_rows_of_replaced_files('nhse_dm01_full_extract') }}"
) }}

with

source as (
    select * from {{ landed_increment('nhse_dm01', 'nhse_dm01_full_extract') }}
),

final as (
    select
        {{ collection_period_month_start('period') }} as month_start,
        provider_parent_org_code,
        provider_org_code,
        provider_org_name,
        commissioner_parent_org_code,
        commissioner_org_code,
        cast(diagnostic_tests_sort_order as integer) as diagnostic_tests_sort_order,
        diagnostic_test,
        diagnostic_test = 'TOTAL' as is_total_row,
        band_06_07 + band_07_08 + band_08_09 + band_09_10 + band_10_11 + band_11_12 + band_12_13 + band_13
            as waiting_6_plus_weeks,
        band_13 as waiting_13_plus_weeks,
        total_waiting_list,
        waiting_list_activity,
        planned_activity,
        unscheduled_activity,
        total_activity,
        _source_file as source_file,
        _source_line as source_line,
        _source_sha256 as source_sha256,
        _period_key as period_key
    from source
)

select * from final
