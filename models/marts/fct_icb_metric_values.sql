-- ICB and national values of every ratio metric: sum of the trusts' numerators over the sum of their
-- denominators (a true ratio, not an average of percentages), per data source x quarter x metric x area.
-- Trusts are placed in ICBs by the versioned trust-to-ICB mapping of dim_trust valid at the quarter end.
-- [I: not an NHS England statistic; it covers the trusts the league tables rank.]
with

metric_values as (
    select * from {{ ref('int_metric_values__unioned') }}
    where value_status = 'reported' and numerator is not null and denominator is not null
),

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

trusts as (
    select * from {{ ref('dim_trust') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

placed as (
    select
        metric_values.data_source,
        metric_values.quarter,
        metric_values.metric_id,
        metric_values.trust_code,
        metric_values.numerator,
        metric_values.denominator,
        coalesce(trusts.icb_code, 'UNMAPPED') as icb_code,
        trusts.icb_name,
        -- percentages are 100 x numerator / denominator
        case when registry.value_units = '%' then 100.0 else 1.0 end as scale
    from metric_values
    inner join trust_quarters
        on
            metric_values.data_source = trust_quarters.data_source
            and metric_values.quarter = trust_quarters.quarter
            and metric_values.trust_code = trust_quarters.trust_code
    inner join registry on metric_values.metric_id = registry.metric_id
    left join trusts
        on
            metric_values.trust_code = trusts.trust_code
            and trust_quarters.quarter_end_date >= trusts.valid_from
            and (trusts.valid_to is null or trust_quarters.quarter_end_date <= trusts.valid_to)
),

by_area as (
    select
        data_source,
        quarter,
        metric_id,
        case when grouping(icb_code) = 1 then 'national' else 'icb' end as area_level,
        coalesce(icb_code, 'E92000001') as area_code,
        case when grouping(icb_code) = 1 then 'England' else min(icb_name) end as area_name,
        count(*) as trusts,
        {{ ordered_sum('numerator') }} as numerator,
        {{ ordered_sum('denominator') }} as denominator,
        min(scale) as scale,
        {{ ordered_string_agg('trust_code', "', '", 'trust_code') }} as trust_codes
    from placed
    group by grouping sets ((data_source, quarter, metric_id, icb_code), (data_source, quarter, metric_id))
),

final as (
    select
        data_source,
        quarter,
        metric_id,
        area_level,
        area_code,
        area_name,
        cast(trusts as integer) as trusts,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(case when denominator > 0 then scale * numerator / denominator end as double) as value,
        trust_codes
    from by_area
)

select * from final
