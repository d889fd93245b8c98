-- fct_icb_metric_values: (1) the national row of each data source x quarter x metric sums exactly the
-- numerators, denominators and trusts of its ICB rows; (2) the national OF0082 equals an independent
-- computation straight from the staged sickness returns of the 205 trusts in the trust_cohorts seed
-- (100 x sum of FTE days lost / sum of FTE days available, Jan-Mar 2025 -> Q1 2025/26).
with

areas as (
    select * from {{ ref('fct_icb_metric_values') }}
),

sums as (
    select
        data_source,
        quarter,
        metric_id,
        sum(trusts) filter (where area_level = 'icb') as icb_trusts,
        sum(numerator) filter (where area_level = 'icb') as icb_numerator,
        sum(denominator) filter (where area_level = 'icb') as icb_denominator,
        any_value(trusts) filter (where area_level = 'national') as national_trusts,
        any_value(numerator) filter (where area_level = 'national') as national_numerator,
        any_value(denominator) filter (where area_level = 'national') as national_denominator,
        any_value(value) filter (where area_level = 'national') as national_value
    from areas
    group by data_source, quarter, metric_id
),

independent as (
    select
        100.0 * sum(sickness.fte_days_lost) / sum(sickness.fte_days_available) as national_value,
        count(distinct sickness.org_code) as trusts
    from {{ ref('stg_nhs_sickness_absence__monthly_rates') }} as sickness
    inner join {{ ref('trust_cohorts') }} as trust_cohorts on sickness.org_code = trust_cohorts.trust_code
    where sickness.month_end_date between date '2025-01-01' and date '2025-03-31'
)

select
    sums.*,
    'icb rows do not add up to the national row' as problem
from sums
where
    sums.icb_trusts <> sums.national_trusts
    or abs(sums.icb_numerator - sums.national_numerator) > 1e-6 * sums.national_numerator
    or abs(sums.icb_denominator - sums.national_denominator) > 1e-6 * sums.national_denominator
union all
select
    sums.*,
    'national OF0082 Q1 2025/26 differs from the staged returns' as problem
from sums
cross join independent
where
    sums.data_source = 'returns' and sums.quarter = 'Q1 2025/26' and sums.metric_id = 'OF0082'
    and (abs(sums.national_value - independent.national_value) > 1e-9 or sums.national_trusts <> independent.trusts)
