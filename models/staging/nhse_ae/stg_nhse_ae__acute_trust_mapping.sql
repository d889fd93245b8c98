-- A&E by-provider workbook, 'Acute Trust Mapping' sheet: which acute trust(s) each provider's A&E activity is
-- attributed to, and in what proportion, for the workbook's month (from its file name). One row per month x
-- provider x acute trust; an acute trust maps to itself with proportion 1. The attendance columns are NHS
-- England's own provider figures x proportion, kept to check the mapping (the metric uses the monthly CSV).
with

source as (
    select * from {{ landed_source('nhse_ae', 'nhse_ae_acute_trust_mapping') }}
),

final as (
    select
        month_start,
        code as provider_code,
        name as provider_name,
        trim(region) as region,
        acute_code as acute_trust_code,
        acute_trust_name,
        proportion,
        attendances_type1,
        attendances_type2,
        attendances_type3,
        attendances_total,
        over_4_hours_type1,
        over_4_hours_type2,
        over_4_hours_type3,
        over_4_hours_total,
        _source_file as source_file,
        _source_line as source_line
    from source
)

select * from final
