-- User-supplied CQC 'safe' ratings (template data/inputs/nof-input-cqc-safe.csv), the OF0067 input.
with

source as (
    select * from {{ landed_source('nof_input_cqc_safe') }}
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
    select * from renamed
    qualify row_number() over (partition by quarter, trust_code order by landed_at desc, source_file desc) = 1
)

select * from latest
