-- ODS etr.csv snapshots: one row per snapshot x trust (the ICB code is "High Level Health Geography").
with

source as (
    select * from {{ landed_source('ods', 'ods_etr') }}
),

renamed as (
    select
        organisation_code as trust_code,
        name as trust_name_upper,
        national_grouping as region_code,
        high_level_health_geography as icb_code,
        postcode,
        open_date,
        close_date,
        gor_code,
        snapshot_date,
        _source_file as source_file,
        _landed_at as landed_at
    from source
    where national_grouping <> 'W00'
)

select * from renamed
