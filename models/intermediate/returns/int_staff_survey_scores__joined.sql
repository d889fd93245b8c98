-- NHS Staff Survey detailed organisational results: one row per survey year x organisation, with the PP3_2
-- raising-concerns score (sheet PEOPLE PROMISE ELEMENTS) and the staff engagement score (sheet THEMES).
-- A blank score means fewer than 10 responses (not displayed).
with

people_promise as (
    select * from {{ ref('stg_nhs_staff_survey__people_promise_scores') }}
),

themes as (
    select * from {{ ref('stg_nhs_staff_survey__theme_scores') }}
),

joined as (
    select
        cast(coalesce(people_promise.survey_year, themes.survey_year) as integer) as survey_year,
        coalesce(people_promise.org_code, themes.org_code) as org_code,
        coalesce(people_promise.org_name, themes.org_name) as org_name,
        coalesce(people_promise.benchmarking_group, themes.benchmarking_group) as benchmarking_group,
        coalesce(people_promise.weighting, themes.weighting) as weighting,
        people_promise.raising_concerns_score,
        people_promise.raising_concerns_responses,
        themes.staff_engagement_score,
        themes.staff_engagement_responses,
        coalesce(people_promise.source_file, themes.source_file) as source_file,
        people_promise.source_line as people_promise_source_line,
        themes.source_line as themes_source_line
    from people_promise
    full outer join themes
        on
            people_promise.survey_year = themes.survey_year
            and people_promise.org_code = themes.org_code
)

select * from joined
