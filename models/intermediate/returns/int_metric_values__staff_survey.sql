-- OF0061 (PP3_2 raising concerns) and OF0084 (staff engagement) from the NHS Staff Survey (raw_formats 7.2):
-- survey year Y is scored in the NOF quarters listed by var staff_survey_scored_quarters of financial year
-- (Y+1)/(Y+2) [D: Q1 and Q2 2025/26 use the 2024 survey; Q4 2025/26 uses 2025]. Scores are means, not ratios.
-- A trust formed by merger after the survey (trust_predecessors seed) takes its listed predecessor's scores, as
-- NHS England does (G6V2S <- TAF, D 2/2). A trust the survey reports under a sector sub-code (trust_return_codes
-- seed) takes that code's scores (R1F <- R1F1, its acute sector, D 2/2).
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

survey as (
    select * from {{ ref('int_staff_survey_scores__joined') }}
),

predecessors as (
    select * from {{ ref('trust_predecessors') }}
    where applies_to = 'nhs_staff_survey'
),

return_codes as (
    select * from {{ ref('trust_return_codes') }}
    where applies_to = 'nhs_staff_survey'
),

scores as (
    select
        survey_year,
        org_code,
        source_file,
        raising_concerns_score,
        staff_engagement_score
    from survey
    union all
    select
        survey.survey_year,
        predecessors.successor_code as org_code,
        survey.source_file || ' (predecessor ' || predecessors.predecessor_code || ')' as source_file,
        survey.raising_concerns_score,
        survey.staff_engagement_score
    from survey
    inner join predecessors
        on
            survey.org_code = predecessors.predecessor_code
            and survey.survey_year <= year(predecessors.successor_opened)
    where
        not exists (
            select 1 from survey as own
            where own.org_code = predecessors.successor_code and own.survey_year = survey.survey_year
        )
    union all
    select
        survey.survey_year,
        return_codes.trust_code as org_code,
        survey.source_file || ' (as ' || return_codes.return_code || ')' as source_file,
        survey.raising_concerns_score,
        survey.staff_engagement_score
    from survey
    inner join return_codes on survey.org_code = return_codes.return_code
    where not exists (
        select 1 from survey as own
        where own.org_code = return_codes.trust_code and own.survey_year = survey.survey_year
    )
),

scored_quarters as (
    select scored.quarter_number
    from (values ({{ var('staff_survey_scored_quarters') | join('), (') }})) as scored (quarter_number)
),

long as (
    select
        survey_year,
        org_code,
        source_file,
        {{ registry_metric_id("'staff_survey_raising_concerns'") }} as metric_id,
        raising_concerns_score as value
    from scores
    union all
    select
        survey_year,
        org_code,
        source_file,
        {{ registry_metric_id("'staff_survey_engagement'") }} as metric_id,
        staff_engagement_score as value
    from scores
),

final as (
    select
        'returns' as data_source,
        'Q' || cast(scored_quarters.quarter_number as string) || ' '
        || cast(long.survey_year + 1 as string) || '/' || right(cast(long.survey_year + 2 as string), 2)
            as quarter,
        long.org_code as trust_code,
        long.metric_id,
        long.value,
        cast(null as string) as value_text,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        -- fewer than 10 responses: not displayed by the publisher
        case when long.value is null then 'suppressed' else 'reported' end as value_status,
        cast(long.survey_year as string) as reporting_date,
        'nhs_staff_survey: ' || long.source_file as value_origin
    from long
    cross join scored_quarters
)

select * from final
