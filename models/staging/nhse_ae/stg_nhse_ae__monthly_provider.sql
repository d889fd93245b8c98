-- A&E monthly provider CSV (raw_formats 1.1): one row per month x organisation, plus the footer
-- total row (any spelling: 'TOTAL', 'Total ', ...) as the England row, org_code 'ENGLAND'. February 2026's
-- footer carries the month in Period and 'TOTAL' in Org Code: it is the England row too.
with

source as (
    select * from {{ landed_source('nhse_ae', 'nhse_ae_monthly') }}
),

periods as (
    -- The total row carries no month: take it from the file's data rows (landing checked there is one).
    select
        _source_file,
        max(period) as file_period
    from source
    where upper(period) <> 'TOTAL'
    group by _source_file
),

renamed as (
    select
        cast(
            {{ parse_timestamp(
                "'01-' || split_part(periods.file_period, '-', 2) || '-' || split_part(periods.file_period, '-', 3)",
                '%d-%B-%Y'
            ) }} as date
        ) as month_start,
        periods.file_period as period,
        upper(source.period) = 'TOTAL' as is_england_total,
        case when upper(source.period) = 'TOTAL' then 'ENGLAND' else source.org_code end as org_code,
        case when upper(source.period) = 'TOTAL' then null else source.parent_org end as parent_org,
        case when upper(source.period) = 'TOTAL' then 'England' else source.org_name end as org_name,
        source.att_type1 + source.att_booked_type1 as attendances_type1,
        source.att_type2 + source.att_booked_type2 as attendances_type2,
        source.att_other + source.att_booked_other as attendances_other,
        source.over4_type1 + source.over4_booked_type1 as over_4_hours_type1,
        source.over4_type2 + source.over4_booked_type2 as over_4_hours_type2,
        source.over4_other + source.over4_booked_other as over_4_hours_other,
        source.dta_4_to_12_hours,
        source.dta_over_12_hours,
        source.emergency_admissions_type1,
        source.emergency_admissions_type2,
        source.emergency_admissions_other,
        source.other_emergency_admissions,
        source._source_file as source_file,
        source._source_line as source_line
    from source
    inner join periods on source._source_file = periods._source_file
),

flagged as (
    select
        {{ star_except(['is_england_total', 'org_code', 'parent_org', 'org_name']) }},
        is_england_total or upper(org_code) = 'TOTAL' as is_england_total,
        case when upper(org_code) = 'TOTAL' then 'ENGLAND' else org_code end as org_code,
        case when upper(org_code) = 'TOTAL' then null else parent_org end as parent_org,
        case when upper(org_code) = 'TOTAL' then 'England' else org_name end as org_name
    from renamed
),

final as (
    select
        month_start,
        period,
        is_england_total,
        org_code,
        parent_org,
        org_name,
        attendances_type1,
        attendances_type2,
        attendances_other,
        attendances_type1 + attendances_type2 + attendances_other as attendances_all,
        over_4_hours_type1,
        over_4_hours_type2,
        over_4_hours_other,
        over_4_hours_type1 + over_4_hours_type2 + over_4_hours_other as over_4_hours_all,
        dta_4_to_12_hours,
        dta_over_12_hours,
        dta_4_to_12_hours + dta_over_12_hours as dta_over_4_hours,
        emergency_admissions_type1,
        emergency_admissions_type2,
        emergency_admissions_other,
        other_emergency_admissions,
        source_file,
        source_line
    from flagged
)

select * from final
