with

versions as (
    select * from {{ ref('int_trusts__system_mapped') }}
),

latest_nof as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
    qualify row_number() over (partition by trust_code order by quarter_start_date desc, data_source asc) = 1
),

final as (
    select
        versions.trust_code,
        versions.valid_from,
        versions.valid_to,
        versions.valid_to is null as is_current,
        coalesce(latest_nof.trust_name, versions.system_mapping_trust_name, versions.trust_name_upper) as trust_name,
        latest_nof.cohort,
        latest_nof.trust_type,
        latest_nof.trust_subtype,
        coalesce(latest_nof.region, versions.system_mapping_region_name) as region,
        versions.region_code,
        versions.icb_code,
        versions.icb_name,
        versions.open_date,
        versions.close_date,
        versions.source as reference_source
    from versions
    left join latest_nof on versions.trust_code = latest_nof.trust_code
)

select * from final
