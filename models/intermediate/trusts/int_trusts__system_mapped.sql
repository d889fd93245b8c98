-- Trust reference versions (int_trusts__versioned) with what the A&E System Mapping says of the trust (its name
-- and NHS England region) and the name of the version's ICB (any trust's mapping row for that ICB code).
with

versions as (
    select * from {{ ref('int_trusts__versioned') }}
),

system_mapping as (
    select * from {{ ref('stg_nhse_ae__system_mapping') }}
),

icb_names as (
    select
        icb_code,
        min(icb_name) as icb_name
    from system_mapping
    group by icb_code
),

final as (
    select
        versions.trust_code,
        versions.trust_name_upper,
        versions.icb_code,
        versions.region_code,
        versions.open_date,
        versions.close_date,
        versions.valid_from,
        versions.valid_to,
        versions.source,
        system_mapping.trust_name as system_mapping_trust_name,
        system_mapping.region_name as system_mapping_region_name,
        icb_names.icb_name
    from versions
    left join system_mapping on versions.trust_code = system_mapping.trust_code
    left join icb_names on versions.icb_code = icb_names.icb_code
)

select * from final
