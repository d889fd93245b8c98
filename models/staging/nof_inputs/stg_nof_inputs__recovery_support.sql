-- User-supplied Recovery Support Programme membership (template data/inputs/nof-input-recovery-support.csv).
with

source as (
    select * from {{ landed_source('nof_inputs', 'nof_input_recovery_support') }}
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
    {{ latest_landed_rows('renamed', ['quarter', 'trust_code']) }}
)

select * from latest
