-- A&E activity per acute trust x month on NHS England's acute-trust footprint basis: every provider row of the
-- monthly CSV is attributed to acute trusts with that month's 'Acute Trust Mapping' (attendances and 4-hour
-- breaches x proportion), then summed per acute trust. This reproduces the workbook's 'Acute Trust Footprint
-- Data' totals (tests/singular/assert_ae_acute_trust_footprint_matches_workbook.sql). A month whose workbook
-- is not landed (March 2026 in the embedded data) uses the latest earlier mapping, named in mapping_month.
with

monthly as (
    select * from {{ ref('stg_nhse_ae__monthly_provider') }}
    where not is_england_total
),

mapping as (
    select * from {{ ref('stg_nhse_ae__acute_trust_mapping') }}
),

mapping_months as (
    select
        month_start as mapping_month,
        min(source_file) as mapping_file
    from mapping
    group by month_start
),

csv_months as (
    select distinct month_start
    from monthly
),

month_mappings as (
    -- The month's own mapping, else the latest earlier one; months before the first mapping get none.
    select
        csv_months.month_start,
        max(mapping_months.mapping_month) as mapping_month
    from csv_months
    inner join mapping_months on csv_months.month_start >= mapping_months.mapping_month
    group by csv_months.month_start
),

attributed as (
    select
        month_mappings.month_start,
        month_mappings.mapping_month,
        mapping.acute_trust_code,
        mapping.provider_code,
        mapping.proportion * monthly.attendances_all as attendances,
        mapping.proportion * monthly.over_4_hours_all as over_4_hours,
        monthly.source_file
    from month_mappings
    inner join mapping on month_mappings.mapping_month = mapping.month_start
    inner join monthly
        on
            month_mappings.month_start = monthly.month_start
            and mapping.provider_code = monthly.org_code
),

final as (
    select
        attributed.month_start,
        attributed.acute_trust_code,
        attributed.mapping_month,
        attributed.mapping_month <> attributed.month_start as is_earlier_mapping,
        {{ ordered_sum('attributed.attendances') }} as attendances,
        {{ ordered_sum('attributed.over_4_hours') }} as over_4_hours,
        {{ ordered_sum('attributed.attendances') }} - {{ ordered_sum('attributed.over_4_hours') }} as within_4_hours,
        count(*) as providers_mapped,
        min(attributed.source_file) as csv_file,
        min(mapping_months.mapping_file) as mapping_file
    from attributed
    inner join mapping_months on attributed.mapping_month = mapping_months.mapping_month
    group by attributed.month_start, attributed.acute_trust_code, attributed.mapping_month
)

select * from final
