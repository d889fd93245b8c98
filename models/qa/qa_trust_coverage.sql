-- The publication gate's coverage against the reference list: every trust NHS England has placed in a cohort
-- (dim_trust), open at some point of the quarter, in each league table of a route held to completeness
-- (config/quality_gate.yml completeness_data_sources, passed as dbt var gate_completeness_data_sources), present
-- or not. The gate (src/oversight/quality.py) accepts an absence only where its configuration explains it.
with

league_table as (
    select * from {{ ref('rpt_league_table') }}
),

trusts as (
    select * from {{ ref('dim_trust') }}
),

quarters as (
    select distinct
        data_source,
        quarter,
        quarter_start_date,
        cohort
    from league_table
    where data_source in (
        {%- for data_source in var('gate_completeness_data_sources') %}
            '{{ data_source }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )
),

reference_list as (
    select
        trust_code,
        any_value(cohort) as cohort,
        min(open_date) as open_date,
        max(coalesce(close_date, date '9999-12-31')) as close_date
    from trusts
    where cohort is not null
    group by trust_code
),

expected as (
    select
        quarters.data_source,
        quarters.quarter,
        quarters.cohort,
        reference_list.trust_code
    from quarters
    inner join reference_list
        on
            quarters.cohort = reference_list.cohort
            and quarters.quarter_start_date + interval 3 month
            >= coalesce(reference_list.open_date, date '1900-01-01')
            and quarters.quarter_start_date <= reference_list.close_date
),

final as (
    select
        expected.data_source,
        expected.quarter,
        expected.cohort,
        expected.trust_code,
        league_table.trust_code is not null as is_present,
        case
            when league_table.trust_code is null then expected.trust_code || ' | ' || expected.quarter
        end as absence,
        expected.data_source || ' | ' || expected.quarter || ' | ' || expected.cohort || ' | '
        || expected.trust_code as row_id
    from expected
    left join league_table
        on
            expected.data_source = league_table.data_source
            and expected.quarter = league_table.quarter
            and expected.trust_code = league_table.trust_code
)

select * from final
