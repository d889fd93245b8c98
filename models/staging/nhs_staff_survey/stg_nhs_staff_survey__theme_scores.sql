-- NHS Staff Survey detailed organisational results, sheet THEMES: one row per survey year x organisation with the
-- staff engagement theme score. A blank score means fewer than 10 responses (not displayed).
with

source as (
    select * from {{ landed_source('nhs_staff_survey', 'nhs_staff_survey_themes') }}
),

final as (
    select
        survey_year,
        ods_code as org_code,
        organisation_name as org_name,
        benchmarking_group,
        weighting,
        staff_engagement_score,
        staff_engagement_responses,
        _source_file as source_file,
        _source_line as source_line
    from source
)

select * from final
