-- Invariants of NHS England's A&E acute-trust footprints on the landed workbooks (every month and acute trust):
-- 1. the Acute Trust Mapping sheet's own figures, summed per acute trust, equal the same workbook's Acute Trust
--    Footprint Data totals (attendances and over 4 hours), and the month read from the workbook's file name
--    equals its footprint sheet's 'Period:';
-- 2. the footprint computed from the monthly CSV x the mapping (int_ae_acute_footprints__mapped) equals the
--    workbook's footprint totals for every acute trust, except where NHS England revised the workbook after the
--    CSV (its 'Revised:' cell, e.g. Apr-Sep 2025 republished in November 2025) and a provider mapped to the trust
--    has different figures in the CSV than in the revised workbook;
-- 3. a first-release workbook (no 'Revised:') agrees with the CSV provider by provider.
-- Returns one row per failure.
with

mapping as (
    select * from {{ ref('stg_nhse_ae__acute_trust_mapping') }}
),

footprint as (
    select * from {{ ref('stg_nhse_ae__acute_trust_footprint') }}
    where not is_england_total
),

computed as (
    select * from {{ ref('int_ae_acute_footprints__mapped') }}
),

monthly as (
    select * from {{ ref('stg_nhse_ae__monthly_provider') }}
    where not is_england_total
),

workbook_months as (
    select
        source_file,
        any_value(month_start) as footprint_month,
        bool_or(revised is not null) as is_revised
    from footprint
    group by source_file
),

mapping_months as (
    select
        source_file,
        any_value(month_start) as mapping_month
    from mapping
    group by source_file
),

month_mismatches as (
    select
        coalesce(workbook_months.footprint_month, mapping_months.mapping_month) as month_start,
        coalesce(workbook_months.source_file, mapping_months.source_file) as acute_trust_code,
        'month from the file name differs from the footprint sheet''s Period' as problem
    from workbook_months
    full outer join mapping_months on workbook_months.source_file = mapping_months.source_file
    where workbook_months.footprint_month is distinct from mapping_months.mapping_month
),

mapping_sums as (
    select
        month_start,
        acute_trust_code,
        sum(attendances_total) as attendances,
        sum(over_4_hours_total) as over_4_hours
    from mapping
    group by month_start, acute_trust_code
),

sheet_mismatches as (
    select
        footprint.month_start,
        footprint.acute_trust_code,
        'mapping sheet sums differ from the footprint sheet' as problem
    from footprint
    left join mapping_sums
        on
            footprint.month_start = mapping_sums.month_start
            and footprint.acute_trust_code = mapping_sums.acute_trust_code
    where
        mapping_sums.attendances is null
        or abs(mapping_sums.attendances - footprint.attendances_total) > 1e-6
        or abs(mapping_sums.over_4_hours - footprint.over_4_hours_total) > 1e-6
),

provider_revisions as (
    -- providers whose CSV figures differ from the workbook's (x proportion)
    select
        mapping.month_start,
        mapping.acute_trust_code,
        mapping.provider_code,
        mapping.source_file
    from mapping
    inner join monthly
        on mapping.month_start = monthly.month_start and mapping.provider_code = monthly.org_code
    where
        abs(mapping.attendances_total - mapping.proportion * monthly.attendances_all) > 1e-6
        or abs(mapping.over_4_hours_total - mapping.proportion * monthly.over_4_hours_all) > 1e-6
),

unrevised_differences as (
    select
        provider_revisions.month_start,
        provider_revisions.provider_code as acute_trust_code,
        'a first-release workbook differs from the CSV for this provider' as problem
    from provider_revisions
    inner join workbook_months on provider_revisions.source_file = workbook_months.source_file
    where not workbook_months.is_revised
),

computed_mismatches as (
    select
        footprint.month_start,
        footprint.acute_trust_code,
        'footprint from CSV x mapping differs from the workbook' as problem
    from footprint
    inner join workbook_months on footprint.source_file = workbook_months.source_file
    left join computed
        on footprint.month_start = computed.month_start and footprint.acute_trust_code = computed.acute_trust_code
    where
        (
            computed.attendances is null
            or abs(computed.attendances - footprint.attendances_total) > 1e-6
            or abs(computed.over_4_hours - footprint.over_4_hours_total) > 1e-6
        )
        and not (
            workbook_months.is_revised
            and exists (
                select 1
                from provider_revisions
                where
                    provider_revisions.month_start = footprint.month_start
                    and provider_revisions.acute_trust_code = footprint.acute_trust_code
            )
        )
)

select * from month_mismatches
union all
select * from sheet_mismatches
union all
select * from unrevised_differences
union all
select * from computed_mismatches
