-- The scoring engine's input per scenario (seeds/engine_scenarios.csv) x data source x quarter x trust x metric.
-- 'final' and the method variants (issue 13.3): every row of int_metric_values__unioned as it is. Provisional
-- scenarios (issue 14), per quarter the monthly returns reach and trust of the returns route's quarter:
--   provisional      a value from the quarter's first `months_available` months (int_metric_values__provisional)
--   known            a value fixed before the quarter starts (previous quarter, staff survey year): the
--                    quarter's own value
--   carried_forward  every other metric the trust has (finance, CQC, inputs, monthly metrics not yet in): the
--                    latest earlier quarter's value, as it was (scenarios with carry_forward)
--   same_input       the quarter's own value (the check scenario, carry_forward false)
with

scenarios as (
    select * from {{ ref('engine_scenarios') }}
),

unioned as (
    select * from {{ ref('int_metric_values__unioned') }}
),

provisional_values as (
    select * from {{ ref('int_metric_values__provisional') }}
),

windows as (
    select * from {{ ref('int_provisional_windows__enumerated') }}
),

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

exclusions as (
    select * from {{ ref('metric_trust_exclusions') }}
),

final_scenario as (
    select
        scenarios.scenario,
        unioned.*,
        cast(null as integer) as months_available,
        'final' as value_basis,
        cast(null as string) as months_used,
        cast(null as string) as carried_from_quarter
    from unioned
    inner join scenarios
        on
            scenarios.scenario_kind in ('final', 'method')
            and array_contains({{ split_list('scenarios.data_sources', '|') }}, unioned.data_source)
),

scenario_trust_quarters as (
    -- the returns route's trust-quarters of every quarter the monthly returns reach with the scenario's months
    select
        scenarios.scenario,
        scenarios.months_available,
        scenarios.carry_forward,
        trust_quarters.data_source,
        trust_quarters.quarter,
        trust_quarters.quarter_start_date,
        trust_quarters.trust_code,
        trust_quarters.cohort
    from scenarios
    inner join trust_quarters
        on array_contains({{ split_list('scenarios.data_sources', '|') }}, trust_quarters.data_source)
    where
        scenarios.scenario_kind <> 'final'
        and trust_quarters.data_source = 'returns'
        -- the quarter has that many months in: some monthly metric has a value over them
        and exists (
            select 1 from provisional_values
            where
                provisional_values.quarter = trust_quarters.quarter
                and provisional_values.months_available = scenarios.months_available
        )
),

from_months as (
    select
        scenario_trust_quarters.scenario,
        scenario_trust_quarters.data_source,
        scenario_trust_quarters.quarter,
        scenario_trust_quarters.quarter_start_date,
        scenario_trust_quarters.trust_code,
        scenario_trust_quarters.cohort,
        provisional_values.metric_id,
        provisional_values.value,
        cast(null as string) as value_text,
        provisional_values.value_status,
        provisional_values.months_used as reporting_date,
        cast(null as double) as published_score,
        cast(null as double) as published_value_rank,
        cast(null as double) as published_value,
        provisional_values.numerator,
        provisional_values.denominator,
        provisional_values.value_origin,
        'raw_return' as value_source,
        scenario_trust_quarters.months_available,
        'provisional' as value_basis,
        provisional_values.months_used,
        cast(null as string) as carried_from_quarter
    from scenario_trust_quarters
    inner join provisional_values
        on
            scenario_trust_quarters.quarter = provisional_values.quarter
            and scenario_trust_quarters.months_available = provisional_values.months_available
            and scenario_trust_quarters.trust_code = provisional_values.trust_code
    inner join registry on provisional_values.metric_id = registry.metric_id
    where
        {{ metric_applies_to_trust(
            'provisional_values.metric_id', 'scenario_trust_quarters.trust_code', 'scenario_trust_quarters.cohort',
            'scenario_trust_quarters.quarter_start_date', 'registry.cohorts'
        ) }}
),

own_quarter as (
    -- the quarter's own value: for a basis fixed before the quarter, or every metric of the check scenario
    select
        scenario_trust_quarters.scenario,
        unioned.*,
        scenario_trust_quarters.months_available,
        case when windows.window_kind = 'known' then 'known' else 'same_input' end as value_basis,
        windows.months_used,
        cast(null as string) as carried_from_quarter
    from scenario_trust_quarters
    inner join unioned
        on
            scenario_trust_quarters.data_source = unioned.data_source
            and scenario_trust_quarters.quarter = unioned.quarter
            and scenario_trust_quarters.trust_code = unioned.trust_code
    inner join registry on unioned.metric_id = registry.metric_id
    left join windows
        on
            scenario_trust_quarters.quarter = windows.quarter
            and scenario_trust_quarters.months_available = windows.months_available
            and registry.reporting_basis = windows.reporting_basis
    where
        (windows.window_kind = 'known' or not scenario_trust_quarters.carry_forward)
        and not exists (
            select 1 from from_months
            where
                from_months.scenario = scenario_trust_quarters.scenario
                and from_months.quarter = unioned.quarter
                and from_months.trust_code = unioned.trust_code
                and from_months.metric_id = unioned.metric_id
        )
),

carried as (
    -- the latest earlier quarter's row of every other metric that applies to the trust at the quarter
    select
        scenario_trust_quarters.scenario,
        scenario_trust_quarters.data_source,
        scenario_trust_quarters.quarter,
        scenario_trust_quarters.quarter_start_date,
        scenario_trust_quarters.trust_code,
        scenario_trust_quarters.cohort,
        earlier.metric_id,
        earlier.value,
        earlier.value_text,
        earlier.value_status,
        earlier.reporting_date,
        earlier.published_score,
        earlier.published_value_rank,
        earlier.published_value,
        earlier.numerator,
        earlier.denominator,
        'carried forward from ' || earlier.quarter || ': ' || earlier.value_origin as value_origin,
        earlier.value_source,
        scenario_trust_quarters.months_available,
        'carried_forward' as value_basis,
        earlier.reporting_date as months_used,
        earlier.quarter as carried_from_quarter
    from scenario_trust_quarters
    inner join unioned as earlier
        on
            scenario_trust_quarters.data_source = earlier.data_source
            and scenario_trust_quarters.trust_code = earlier.trust_code
            and scenario_trust_quarters.quarter_start_date > earlier.quarter_start_date
    inner join registry on earlier.metric_id = registry.metric_id
    where
        scenario_trust_quarters.carry_forward
        and {{ metric_applies_to_trust(
            'earlier.metric_id', 'scenario_trust_quarters.trust_code', 'scenario_trust_quarters.cohort',
            'scenario_trust_quarters.quarter_start_date', 'registry.cohorts'
        ) }}
        and not exists (
            select 1 from from_months
            where
                from_months.scenario = scenario_trust_quarters.scenario
                and from_months.quarter = scenario_trust_quarters.quarter
                and from_months.trust_code = scenario_trust_quarters.trust_code
                and from_months.metric_id = earlier.metric_id
        )
        and not exists (
            select 1 from own_quarter
            where
                own_quarter.scenario = scenario_trust_quarters.scenario
                and own_quarter.quarter = scenario_trust_quarters.quarter
                and own_quarter.trust_code = scenario_trust_quarters.trust_code
                and own_quarter.metric_id = earlier.metric_id
        )
    qualify row_number() over (
        partition by
            scenario_trust_quarters.scenario,
            scenario_trust_quarters.quarter,
            scenario_trust_quarters.trust_code,
            earlier.metric_id
        order by earlier.quarter_start_date desc
    ) = 1
),

final as (
    select * from final_scenario
    union all
    select * from from_months
    union all
    select * from own_quarter
    union all
    select * from carried
)

select * from final
