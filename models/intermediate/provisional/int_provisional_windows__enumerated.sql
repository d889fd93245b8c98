-- The months each reporting basis takes for a quarter when only its first `months_available` months are in
-- (issue 14), per quarter x months_available x reporting basis. window_kind says how a provisional table gets
-- the metric: 'monthly' from the months of the window (window_start..window_end), 'known' fixed before the
-- quarter starts (previous quarter; staff survey year), 'not_monthly' not given by monthly returns (finance,
-- CQC, annual figures: carried forward). With months_available = 3 every window is the final one.
with

monthly as (
    select * from {{ ref('int_monthly_returns__unioned') }}
),

scenarios as (
    select * from {{ ref('engine_scenarios') }}
    where months_available is not null
),

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

quarters as (
    select distinct
        quarter,
        {{ quarter_start_date('quarter') }} as quarter_start_date
    from monthly
),

grid as (
    select
        quarters.quarter,
        quarters.quarter_start_date,
        months.months_available,
        bases.reporting_basis,
        -- the last month of the quarter that is in
        cast({{ add_months('quarters.quarter_start_date', 'months.months_available - 1') }} as date) as latest_month
    from quarters
    cross join (select distinct months_available from scenarios) as months
    cross join (select distinct reporting_basis from registry) as bases
),

windows as (
    select
        quarter,
        months_available,
        reporting_basis,
        case
            when reporting_basis in ('quarter', 'latest_month', 'rolling12') then 'monthly'
            when reporting_basis in ('prev_quarter', 'annual_survey') then 'known'
            else 'not_monthly'
        end as window_kind,
        case reporting_basis
            when 'quarter' then quarter_start_date
            when 'latest_month' then latest_month
            when 'rolling12' then cast({{ add_months('latest_month', '-11') }} as date)
            when 'prev_quarter' then cast({{ add_months('quarter_start_date', '-3') }} as date)
        end as window_start,
        case reporting_basis
            when 'quarter' then latest_month
            when 'latest_month' then latest_month
            when 'rolling12' then latest_month
            when 'prev_quarter' then cast({{ add_months('quarter_start_date', '-1') }} as date)
        end as window_end,
        -- the staff survey a quarter scores (var staff_survey_scored_quarters: Q1, Q2 of (Y+1)/(Y+2) score Y, the
        -- other quarters of Y/(Y+1) too)
        case
            when reporting_basis = 'annual_survey'
                then
                    year(quarter_start_date) - case when month(quarter_start_date) < 4 then 1 else 0 end
                    - case
                        when cast(substr(quarter, 2, 1) as integer) in (
                            {{ var('staff_survey_scored_quarters') | join(', ') }}
                        ) then 1
                        else 0
                    end
        end as survey_year
    from grid
),

final as (
    select
        quarter,
        months_available,
        reporting_basis,
        window_kind,
        window_start,
        window_end,
        survey_year,
        case
            when window_start is not null
                then
                    {{ series_to_string(
                        'window_start', 'window_end', 'interval 1 month',
                        'month_start', format_date('cast(month_start as date)', '%b-%y'), "', '"
                    ) }}
            when survey_year is not null then 'survey year ' || survey_year
        end as months_used
    from windows
)

select * from final
