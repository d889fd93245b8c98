-- NOF metric values computed from the MHSDS Monthly Statistics (data_source 'returns'), one row per
-- NOF quarter x trust x metric, in the engine's int_metric_values__<source> contract. Definitions are the
-- best documented ones (raw_formats.md 6.1; methodology.md 10.1 and 15 item 15), not yet reconciled with
-- NHS England's values [I]:
--   OF0016  100 x sum(CCR120) / sum(CCR73) over the quarter's monthly Provider rows (new urgent crisis
--           referrals seen face to face within 24 hours / those with a first face-to-face contact). CCR73 is the
--           denominator of the publisher's own proportion CCR120c: on RDY, Apr-26, CCR120c = 65 lies inside the
--           range the 5-rounded counts allow for CCR120/CCR73 (62.8-70.7) and outside that for CCR120/CCR71
--           (49.1-54.7). Var mhsds_of0016_denominator switches to CCR71 (all new urgent referrals);
--   OF0063  100 x (MHS100 + MHS102) / (MHS140 + MHS141) on the rolling-quarter Provider row ending in the
--           quarter (adult and older-adult acute discharges with a 60+ day stay / all such discharges);
--   OF0041  100 x (MHS95 / MHS95 twelve months earlier - 1) on the rolling-12-month Provider rows (CYP
--           with at least one contact), else NHS England Digital's own MHS95h where the prior row is absent.
-- A quarter is complete when its last month is in the data; with var returns_include_partial_quarters the
-- latest period ending inside an unfinished quarter is also emitted (quarter to date), and value_origin says so.
{% set include_partial = var('returns_include_partial_quarters', true) %}
{% set crisis_denominator = var('mhsds_of0016_denominator', 'CCR73') %}
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

measures as (
    select * from {{ ref('stg_mhsds__measures') }}
    where breakdown = 'Provider' and secondary_level = 'NONE'
),

provider_measures as (
    select
        primary_level as trust_code,
        reporting_period_start,
        reporting_period_end,
        period_type,
        measure_id,
        measure_value,
        is_suppressed,
        source_file,
        {{ nof_quarter_label('reporting_period_end') }} as quarter
    from measures
),

-- OF0016: monthly counts summed over the quarter's months.
crisis_months as (
    select
        quarter,
        trust_code,
        reporting_period_end,
        max(measure_value) filter (where measure_id = 'CCR120') as seen_within_24h,
        max(measure_value) filter (where measure_id = '{{ crisis_denominator }}') as urgent_referrals,
        bool_or(is_suppressed) as any_suppressed,
        min(source_file) as source_file
    from provider_measures
    where period_type = 'month' and measure_id in ('CCR120', '{{ crisis_denominator }}')
    group by quarter, trust_code, reporting_period_end
),

crisis as (
    select
        quarter,
        trust_code,
        {{ registry_metric_id("'mhsds_crisis_seen_within_24_hours'") }} as metric_id,
        {{ ordered_sum('seen_within_24h') }} as numerator,
        {{ ordered_sum('urgent_referrals') }} as denominator,
        bool_or(any_suppressed) as any_suppressed,
        count(*) as months_in_data,
        max(reporting_period_end) as latest_end,
        min(reporting_period_end) as earliest_end,
        'MHSDS monthly CCR120 / {{ crisis_denominator }} (Provider), months ' || {{ ordered_string_agg(
            format_date('reporting_period_end', '%b-%y'), "', '", 'reporting_period_end'
        ) }} || ': ' || {{ ordered_string_agg('source_file', "'; '", 'source_file', distinct=true) }} as value_origin
    from crisis_months
    group by quarter, trust_code
),

crisis_values as (
    select
        quarter,
        trust_code,
        metric_id,
        case when not any_suppressed and denominator > 0 then 100 * numerator / denominator end as value,
        case when not any_suppressed then numerator end as numerator,
        case when not any_suppressed then denominator end as denominator,
        any_suppressed,
        months_in_data = 3 and month(latest_end) in (3, 6, 9, 12) as is_complete,
        case
            when months_in_data = 3 then quarter
            else quarter || ' to ' || {{ format_date('latest_end', '%b-%y') }}
        end as reporting_date,
        value_origin
    from crisis
),

-- OF0063: the rolling-quarter row ending latest in the quarter.
length_of_stay as (
    select
        quarter,
        trust_code,
        reporting_period_start,
        reporting_period_end,
        {{ ordered_sum('measure_value', "measure_id in ('MHS100', 'MHS102')") }} as numerator,
        {{ ordered_sum('measure_value', "measure_id in ('MHS140', 'MHS141')") }} as denominator,
        count(*) filter (where measure_id in ('MHS100', 'MHS102', 'MHS140', 'MHS141')) as measures_found,
        bool_or(is_suppressed) as any_suppressed,
        min(source_file) as source_file
    from provider_measures
    where period_type = 'rolling_quarter' and measure_id in ('MHS100', 'MHS102', 'MHS140', 'MHS141')
    group by quarter, trust_code, reporting_period_start, reporting_period_end
    qualify row_number() over (partition by quarter, trust_code order by reporting_period_end desc) = 1
),

length_of_stay_values as (
    select
        quarter,
        trust_code,
        {{ registry_metric_id("'mhsds_acute_stays_over_60_days'") }} as metric_id,
        case
            when not any_suppressed and measures_found = 4 and denominator > 0 then 100 * numerator / denominator
        end as value,
        case when not any_suppressed then numerator end as numerator,
        case when not any_suppressed then denominator end as denominator,
        any_suppressed,
        reporting_period_start = {{ quarter_start_date('quarter') }} as is_complete,
        case
            when reporting_period_start = {{ quarter_start_date('quarter') }} then quarter
            else
                {{ format_date('reporting_period_start', '%b-%y') }} || ' - '
                || {{ format_date('reporting_period_end', '%b-%y') }}
        end as reporting_date,
        'MHSDS rolling quarter (MHS100 + MHS102) / (MHS140 + MHS141) (Provider), '
        || {{ format_date('reporting_period_start', '%b-%y') }} || ' - '
        || {{ format_date('reporting_period_end', '%b-%y') }} || ': ' || source_file as value_origin
    from length_of_stay
),

-- OF0041: rolling 12 months against the rolling 12 months ending a year earlier.
cyp_access as (
    select *
    from provider_measures
    where period_type = 'rolling_12_months' and measure_id in ('MHS95', 'MHS95h')
),

cyp_current as (
    select
        cyp_access.quarter,
        cyp_access.trust_code,
        cyp_access.reporting_period_start,
        cyp_access.reporting_period_end,
        cyp_access.measure_value as current_count,
        cyp_access.is_suppressed as current_suppressed,
        prior_year.measure_value as prior_count,
        prior_year.is_suppressed as prior_suppressed,
        published_change.measure_value as published_change,
        published_change.is_suppressed as published_change_suppressed,
        cyp_access.source_file,
        prior_year.source_file as prior_source_file
    from cyp_access
    left join cyp_access as prior_year
        on
            cyp_access.trust_code = prior_year.trust_code
            and prior_year.measure_id = 'MHS95'
            and prior_year.reporting_period_end = cast(
                cyp_access.reporting_period_end + interval 1 day - interval 12 month - interval 1 day as date
            )
    left join cyp_access as published_change
        on
            cyp_access.trust_code = published_change.trust_code
            and published_change.measure_id = 'MHS95h'
            and cyp_access.reporting_period_end = published_change.reporting_period_end
    where cyp_access.measure_id = 'MHS95'
    qualify row_number() over (
        partition by cyp_access.quarter, cyp_access.trust_code order by cyp_access.reporting_period_end desc
    ) = 1
),

cyp_values as (
    select
        quarter,
        trust_code,
        {{ registry_metric_id("'mhsds_cyp_access_change'") }} as metric_id,
        case
            when prior_count > 0 and not current_suppressed and not prior_suppressed
                then 100 * (current_count - prior_count) / prior_count
            when not coalesce(published_change_suppressed, true) then published_change
        end as value,
        case
            when prior_count > 0 and not current_suppressed and not prior_suppressed
                then current_count - prior_count
        end as numerator,
        case
            when prior_count > 0 and not current_suppressed and not prior_suppressed then prior_count
        end as denominator,
        prior_count is null and coalesce(published_change_suppressed, false) or current_suppressed
        or coalesce(prior_suppressed, false) as any_suppressed,
        month(reporting_period_end) in (3, 6, 9, 12) as is_complete,
        {{ format_date('reporting_period_start', '%b %y') }} || ' - '
        || {{ format_date('reporting_period_end', '%b %y') }} || ' vs '
        || {{ format_date('cast(reporting_period_start - interval 12 month as date)', '%b %y') }} || ' - '
        || {{ format_date(
            'cast(reporting_period_end + interval 1 day - interval 12 month - interval 1 day as date)', '%b %y'
        ) }}
            as reporting_date,
        case
            when prior_count is not null
                then
                    'MHSDS rolling 12 months MHS95 (Provider) against the prior 12: ' || source_file || '; '
                    || prior_source_file
            else 'MHSDS MHS95h, NHS England Digital''s own % change on the previous year (Provider): ' || source_file
        end as value_origin
    from cyp_current
),

unioned as (
    select * from crisis_values
    union all
    select * from length_of_stay_values
    union all
    select * from cyp_values
),

final as (
    select
        'returns' as data_source,
        quarter,
        trust_code,
        metric_id,
        cast(value as double) as value,
        cast(null as string) as value_text,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        case
            when value is not null then 'reported'
            when any_suppressed then 'suppressed'
            else 'not_reported'
        end as value_status,
        reporting_date,
        case when is_complete then value_origin else value_origin || ' [quarter to date: provisional]' end
            as value_origin
    from unioned
    {%- if not include_partial %}
        where is_complete
    {%- endif %}
)

select * from final
