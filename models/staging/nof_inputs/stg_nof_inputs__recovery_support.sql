-- User-supplied Recovery Support Programme membership (template data/inputs/nof-input-recovery-support.csv).
with

source as (
    select * from {{ landed_source('nof_input_recovery_support') }}
),

renamed as (
    select
        quarter,
        trust_code,
        in_recovery_support_programme = 'Yes' as in_recovery_support_programme,
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
