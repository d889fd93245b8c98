-- What a rank hides (issue 13.2): each department of a trust (A&E department type, cancer standard x cancer
-- type, diagnostic test, community service) placed among the same departments of every NHS trust nationally.
-- national_percentile = mid-rank share of the other assessed departments that perform worse: (strictly worse +
-- half the tied) / (assessed - 1); 0 = the worst alone, 1 = the best alone, all tied = 0.5.
-- A department is assessed when its denominator reaches var
-- department_min_denominator and at least var department_min_peers departments are assessed; it is in the national
-- bottom decile (var department_bottom_share) when its percentile is below that share.
with

departments as (
    select * from {{ ref('int_department_values__unioned') }}
),

league as (
    select * from {{ ref('fct_league_table') }}
    where data_source = '{{ var("department_league_data_source") }}'
),

trusts as (
    select * from {{ ref('dim_trust') }}
    where is_current
),

assessable as (
    select
        *,
        denominator >= {{ var('department_min_denominator') }} as meets_min_denominator
    from departments
),

ranked as (
    select
        *,
        count(*) filter (where meets_min_denominator) over (
            partition by department_group, department, quarter
        ) as peers_assessed,
        case
            when meets_min_denominator
                then rank() over (
                    partition by department_group, department, quarter, meets_min_denominator
                    order by case when higher_is_better then value else -value end
                ) - 1
        end as peers_worse,
        case
            when meets_min_denominator
                then count(*) over (
                    partition by department_group, department, quarter, meets_min_denominator, value
                ) - 1
        end as peers_tied,
        {{ window_quantile_cont(
            'value', 0.5, 'department_group, department, quarter', filter_condition='meets_min_denominator'
        ) }} as national_median,
        {{ window_quantile_cont(
            'value', 0.1, 'department_group, department, quarter', filter_condition='meets_min_denominator'
        ) }} as national_p10,
        {{ window_quantile_cont(
            'value', 0.9, 'department_group, department, quarter', filter_condition='meets_min_denominator'
        ) }} as national_p90
    from assessable
),

placed as (
    select
        *,
        meets_min_denominator and peers_assessed >= {{ var('department_min_peers') }} as is_assessed,
        case
            when meets_min_denominator and peers_assessed >= {{ var('department_min_peers') }}
                then (peers_worse + peers_tied / 2) / (peers_assessed - 1)
        end as national_percentile
    from ranked
),

final as (
    select
        placed.quarter,
        placed.quarter_start_date,
        placed.trust_code,
        coalesce(league.trust_name, trusts.trust_name) as trust_name,
        coalesce(league.cohort, trusts.cohort) as cohort,
        placed.department_group,
        placed.department,
        placed.measure,
        placed.higher_is_better,
        placed.numerator,
        placed.denominator,
        placed.value,
        cast({{ var('department_min_denominator') }} as double) as min_denominator,
        placed.is_assessed,
        cast(placed.peers_assessed as integer) as peers_assessed,
        placed.national_percentile,
        placed.national_median,
        placed.national_p10,
        placed.national_p90,
        coalesce(placed.national_percentile < {{ var('department_bottom_share') }}, false) as is_bottom_decile,
        league.data_source as league_data_source,
        league.final_segment,
        league.league_rank,
        league.cohort_size,
        placed.first_month,
        placed.last_month,
        placed.source_files
    from placed
    left join league
        on
            placed.quarter = league.quarter
            and placed.trust_code = league.trust_code
    left join trusts on placed.trust_code = trusts.trust_code
)

select * from final
