-- What a rank hides (issue 13.2), per trust and quarter: how far apart its departments sit in their national
-- distributions (fct_department_performance) and which of them are in the national bottom decile, beside the
-- trust's segment and league rank (var department_league_data_source).
with

departments as (
    select * from {{ ref('fct_department_performance') }}
    where is_assessed
),

final as (
    select
        quarter,
        quarter_start_date,
        trust_code,
        min(trust_name) as trust_name,
        min(cohort) as cohort,
        min(league_data_source) as league_data_source,
        min(final_segment) as final_segment,
        min(league_rank) as league_rank,
        min(cohort_size) as cohort_size,
        coalesce(min(final_segment) in (1, 2), false) as is_well_ranked,
        {{ ordered_string_agg('department_group', "', '", 'department_group', distinct=true) }} as department_groups,
        cast(count(*) as integer) as departments_assessed,
        min(national_percentile) as lowest_percentile,
        percentile_cont(0.5) within group (order by national_percentile) as median_percentile,
        max(national_percentile) as highest_percentile,
        max(national_percentile) - min(national_percentile) as percentile_spread,
        cast(count(*) filter (where is_bottom_decile) as integer) as departments_in_bottom_decile,
        {{ ordered_string_agg(
            "department_group || ' / ' || department || ' (' || round(value, 1) || '%)'",
            "'; '",
            'national_percentile, department_group, department',
            filter_condition='is_bottom_decile'
        ) }} as bottom_decile_departments
    from departments
    group by quarter, quarter_start_date, trust_code
)

select * from final
