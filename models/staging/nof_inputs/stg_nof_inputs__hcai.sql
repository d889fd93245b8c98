-- User-supplied HCAI counts and rates (template data/inputs/nof-input-hcai.csv): MRSA (OF0020, a count),
-- E. coli (OF0048) and C. difficile (OF0088) rates.
with

source as (
    select * from {{ landed_source('nof_inputs', 'nof_input_hcai') }}
),

renamed as (
    select
        quarter,
        trust_code,
        metric_id,
        count as case_count,
        rate as case_rate,
        reporting_date,
        source as input_source,
        _source_file as source_file,
        _landed_at as landed_at
    from source
),

latest as (
    {{ latest_landed_rows('renamed', ['quarter', 'trust_code', 'metric_id']) }}
)

select * from latest
