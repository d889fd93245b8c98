-- A&E System Mapping: trust to ICB (code and name) and NHS England region.
with

source as (
    select * from {{ landed_source('nhse_ae', 'nhse_ae_system_mapping') }}
),

renamed as (
    select
        code as trust_code,
        name as trust_name,
        icb_code,
        -- the file title-cases ICB names ("NHS Kent And Medway"); ODS writes the connectives in lower case
        -- ("NHS Kent and Medway", "Cornwall and the Isles of Scilly", "Stoke-on-Trent")
        replace(
            replace(replace(replace(icb_name, ' And ', ' and '), ' The ', ' the '), ' Of ', ' of '), '-On-', '-on-'
        ) as icb_name,
        replace(region_name, ' Commissioning Region', '') as region_name,
        _source_file as source_file,
        _landed_at as landed_at
    from source
),

latest as (
    select * from renamed
    qualify row_number() over (partition by trust_code order by landed_at desc) = 1
)

select * from latest
