-- Performance below trust level (issue 13.2): one value per trust, quarter and department from the dimensions the
-- raw returns already carry. Flow measures (A&E, cancer) sum the quarter's months and count only quarters whose
-- three months are all landed; snapshot measures (DM01 waiting list, community waiting list) take the quarter's
-- latest landed month. Providers are kept when they are NHS trusts (dim_trust); values are percentages.
--   ae           % of attendances within 4 hours by department type (monthly A&E CSVs)
--   cancer       % treated or told within the standard, by standard and cancer type, every route summed
--                (CWT provider extract; 'ALL CANCERS' and 'Missing or Invalid' rows left out)
--   diagnostics  % of the waiting list waiting 6 weeks or more, by test (DM01 full extract, all commissioners)
--   community    % of the waiting list waiting 52 weeks or more, by service (CHS SitRep, provider rows)
with

trusts as (
    select distinct trust_code from {{ ref('dim_trust') }}
),

ae_months as (
    select * from {{ ref('stg_nhse_ae__monthly_provider') }}
    where not is_england_total
),

cwt as (
    select * from {{ ref('stg_nhse_cwt__provider_extract') }}
    where
        cancer_type not in ('ALL CANCERS', 'Missing or Invalid')
        and coalesce(treatment_modality, 'ALL MODALITIES') = 'ALL MODALITIES'
),

dm01 as (
    select * from {{ ref('stg_nhse_dm01__full_extract') }}
    where not is_total_row
),

chs as (
    select * from {{ ref('int_chs_service_waits__joined') }}
    where organisation_type = 'Provider'
),

ae_by_type as (
    select
        month_start,
        org_code as trust_code,
        'Type 1 (major emergency department)' as department,
        attendances_type1 - over_4_hours_type1 as numerator,
        attendances_type1 as denominator,
        source_file
    from ae_months
    union all
    select
        month_start,
        org_code as trust_code,
        'Type 2 (single-specialty emergency department)' as department,
        attendances_type2 - over_4_hours_type2 as numerator,
        attendances_type2 as denominator,
        source_file
    from ae_months
    union all
    select
        month_start,
        org_code as trust_code,
        'Types 3-4 (urgent treatment centre, minor injury unit, walk-in centre)' as department,
        attendances_other - over_4_hours_other as numerator,
        attendances_other as denominator,
        source_file
    from ae_months
),

flows as (
    select
        'ae' as department_group,
        '% within 4 hours' as measure,
        true as higher_is_better,
        month_start,
        trust_code,
        department,
        numerator,
        denominator,
        source_file
    from ae_by_type
    union all
    select
        'cancer' as department_group,
        '% within the ' || standard || ' standard' as measure,
        true as higher_is_better,
        month_start,
        org_code as trust_code,
        standard || ': ' || cancer_type as department,
        within_standard as numerator,
        total_treated as denominator,
        source_file
    from cwt
),

flow_quarters as (
    select
        department_group,
        measure,
        higher_is_better,
        {{ nof_quarter_label('month_start') }} as quarter,
        trust_code,
        department,
        {{ ordered_sum('numerator') }} as numerator,
        {{ ordered_sum('denominator') }} as denominator,
        count(distinct month_start) as months_covered,
        min(month_start) as first_month,
        max(month_start) as last_month,
        {{ ordered_string_agg('source_file', "', '", 'source_file', distinct=true) }} as source_files
    from flows
    group by all
),

landed_flow_months as (
    select
        department_group,
        {{ nof_quarter_label('month_start') }} as quarter,
        count(distinct month_start) as months_landed
    from flows
    group by all
),

snapshots as (
    select
        'diagnostics' as department_group,
        '% waiting 6 weeks or more' as measure,
        false as higher_is_better,
        month_start,
        provider_org_code as trust_code,
        diagnostic_test as department,
        {{ ordered_sum('waiting_6_plus_weeks') }} as numerator,
        {{ ordered_sum('total_waiting_list') }} as denominator,
        {{ ordered_string_agg('source_file', "', '", 'source_file', distinct=true) }} as source_files
    from dm01
    group by all
    union all
    select
        'community' as department_group,
        '% waiting 52 weeks or more' as measure,
        false as higher_is_better,
        date_trunc('month', month_end_date) as month_start,
        organisation_code as trust_code,
        -- the staged service keys read as words: 'a_audiology' -> 'adults: audiology'
        case
            when left(service, 2) = 'a_' then 'adults: ' || replace(substr(service, 3), '_', ' ')
            when left(service, 4) = 'cyp_'
                then 'children and young people: ' || replace(substr(service, 5), '_', ' ')
            else replace(service, '_', ' ')
        end as department,
        coalesce(waiting_52_104_weeks, 0) + coalesce(waiting_over_104_weeks, 0) as numerator,
        total_waiting as denominator,
        source_file as source_files
    from chs
),

snapshot_latest as (
    select
        *,
        {{ nof_quarter_label('month_start') }} as quarter
    from snapshots
    qualify month_start = max(month_start) over (
        partition by department_group, {{ nof_quarter_label('month_start') }}
    )
),

unioned as (
    select
        flow_quarters.department_group,
        flow_quarters.measure,
        flow_quarters.higher_is_better,
        flow_quarters.quarter,
        flow_quarters.trust_code,
        flow_quarters.department,
        flow_quarters.numerator,
        flow_quarters.denominator,
        flow_quarters.first_month,
        flow_quarters.last_month,
        flow_quarters.source_files
    from flow_quarters
    inner join landed_flow_months
        on
            flow_quarters.department_group = landed_flow_months.department_group
            and flow_quarters.quarter = landed_flow_months.quarter
    where landed_flow_months.months_landed = 3
    union all
    select
        department_group,
        measure,
        higher_is_better,
        quarter,
        trust_code,
        department,
        numerator,
        denominator,
        month_start as first_month,
        month_start as last_month,
        source_files
    from snapshot_latest
),

final as (
    select
        unioned.department_group,
        unioned.department,
        unioned.measure,
        unioned.higher_is_better,
        unioned.quarter,
        {{ quarter_start_date('unioned.quarter') }} as quarter_start_date,
        unioned.trust_code,
        cast(unioned.numerator as double) as numerator,
        cast(unioned.denominator as double) as denominator,
        case when unioned.denominator > 0 then 100.0 * unioned.numerator / unioned.denominator end as value,
        cast(unioned.first_month as date) as first_month,
        cast(unioned.last_month as date) as last_month,
        unioned.source_files
    from unioned
    inner join trusts on unioned.trust_code = trusts.trust_code
    where unioned.denominator > 0
)

select * from final
