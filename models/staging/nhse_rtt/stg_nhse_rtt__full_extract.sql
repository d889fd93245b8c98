-- RTT full CSV extract (raw_formats 2.1): month x provider x commissioner x RTT part x treatment function.
-- Proven on the real excerpt of November 2024 (every row of provider RBD, data/nhse_rtt/). Week bands, Total
-- and 'Patients with unknown clock start date' are blank (not zero) where a part does not collect them
-- (Part_3: every band; Part_2, 2A: Total and unknown): the band sums treat blank as 0 within a row, and
-- Total / unknown stay NULL. On the real rows every Part_2/2A 'Total All' equals the sum of its 105 bands and
-- every Part_1A/1B 'Total' does (data tests in _nhse_rtt__models.yml).
{%- set within_18 = [] -%}
{%- for i in range(18) -%}
    {%- do within_18.append('coalesce(gt_%02d_to_%02d_weeks_sum_1, 0)' | format(i, i + 1)) -%}
{%- endfor -%}
{%- set over_52 = ['coalesce(gt_104_weeks_sum_1, 0)'] -%}
{%- for i in range(52, 104) -%}
    {%- do over_52.append('coalesce(gt_%02d_to_%02d_weeks_sum_1, 0)' | format(i, i + 1)) -%}
{%- endfor -%}
{%- set all_bands = ['coalesce(gt_104_weeks_sum_1, 0)'] -%}
{%- for i in range(104) -%}
    {%- do all_bands.append('coalesce(gt_%02d_to_%02d_weeks_sum_1, 0)' | format(i, i + 1)) -%}
{%- endfor %}
-- Incremental by landed file (one month each): a build reads only the files it has not seen
-- (macros/landed_increment.sql).
{{ config(
    materialized=incremental_where_supported(),
    incremental_strategy='delete+insert',
    unique_key='period_key',
    on_schema_change='fail',
    pre_hook="{{ delete_rows_of_replaced_files('nhse_rtt_full_extract') }}"
) }}

with

source as (
    select * from {{ landed_increment('nhse_rtt', 'nhse_rtt_full_extract') }}
),

final as (
    select
        {{ collection_period_month_start('period') }} as month_start,
        provider_parent_org_code,
        provider_org_code,
        provider_org_name,
        commissioner_org_code,
        rtt_part_type,
        treatment_function_code,
        treatment_function_name,
        {{ within_18 | join(' + ') }} as within_18_weeks,
        {{ over_52 | join(' + ') }} as over_52_weeks,
        {{ all_bands | join(' + ') }} as week_bands_total,
        total as total_known_clock_start,
        patients_with_unknown_clock_start_date as unknown_clock_start,
        total_all,
        _source_file as source_file,
        _source_line as source_line,
        _source_sha256 as source_sha256,
        _period_key as period_key
    from source
)

select * from final
