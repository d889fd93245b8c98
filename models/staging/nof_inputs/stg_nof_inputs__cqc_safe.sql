-- User-supplied CQC 'safe' ratings (template data/inputs/nof-input-cqc-safe.csv), the OF0067 input.
with

source as (
    select * from {{ landed_source('nof_inputs', 'nof_input_cqc_safe') }}
),

renamed as (
    select
        quarter,
        trust_code,
        safe_rating,
        rating_level,
        rating_date,
        source as input_source,
        _source_file as source_file,
        _landed_at as landed_at
    from source
),

latest as (
    {{ latest_landed_rows('renamed', ['quarter', 'trust_code']) }}
)

select * from latest
