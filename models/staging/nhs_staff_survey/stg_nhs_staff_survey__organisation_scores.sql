-- NHS Staff Survey detailed organisational results: one row per survey year x organisation, with the PP3_2
-- raising-concerns score (sheet PEOPLE PROMISE ELEMENTS) and the staff engagement score (sheet THEMES).
-- A blank score means fewer than 10 responses (not displayed).
with

people_promise as (
    select * from {{ landed_source('nhs_staff_survey', 'nhs_staff_survey_people_promise') }}
),

themes as (
    select * from {{ landed_source('nhs_staff_survey', 'nhs_staff_survey_themes') }}
),

joined as (
    select
        cast(coalesce(people_promise.survey_year, themes.survey_year) as integer) as survey_year,
        coalesce(people_promise.ods_code, themes.ods_code) as org_code,
        coalesce(people_promise.organisation_name, themes.organisation_name) as org_name,
        coalesce(people_promise.benchmarking_group, themes.benchmarking_group) as benchmarking_group,
        coalesce(people_promise.weighting, themes.weighting) as weighting,
        people_promise.raising_concerns_score,
        people_promise.raising_concerns_responses,
        themes.staff_engagement_score,
        themes.staff_engagement_responses,
        coalesce(people_promise._source_file, themes._source_file) as source_file,
        people_promise._source_line as people_promise_source_line,
        themes._source_line as themes_source_line
    from people_promise
    full outer join themes
        on
            people_promise.survey_year = themes.survey_year
            and people_promise.ods_code = themes.ods_code
)

select * from joined
