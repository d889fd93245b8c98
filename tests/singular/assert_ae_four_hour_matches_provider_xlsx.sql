-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data, switched off by the orchestrator for any other data directory).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- A&E 4-hour % (all types and type 1) recomputed from the monthly CSV equals NHS England's own by-provider
-- XLSX to 4 decimal places, for England and every provider the XLSX gives a percentage for; the named
-- trusts and England must be among those compared. Returns one row per failure.
with

csv_rows as (
    select * from {{ ref('stg_nhse_ae__monthly_provider') }}
),

xlsx_rows as (
    select * from {{ ref('stg_nhse_ae__provider_xlsx') }}
),

compared as (
    select
        xlsx_rows.month_start,
        xlsx_rows.org_code,
        round(1 - csv_rows.over_4_hours_all / nullif(csv_rows.attendances_all, 0), 4) as csv_all,
        round(xlsx_rows.pct_within_4_hours_all, 4) as xlsx_all,
        round(1 - csv_rows.over_4_hours_type1 / nullif(csv_rows.attendances_type1, 0), 4) as csv_type1,
        round(xlsx_rows.pct_within_4_hours_type1, 4) as xlsx_type1
    from xlsx_rows
    left join csv_rows
        on xlsx_rows.month_start = csv_rows.month_start and xlsx_rows.org_code = csv_rows.org_code
),

mismatches as (
    select
        month_start,
        org_code,
        'percentage differs' as problem
    from compared
    where csv_all is distinct from xlsx_all or csv_type1 is distinct from xlsx_type1
),

named as (
    select t.org_code
    from (values ('ENGLAND'), ('RC9'), ('RJ1'), ('R1H'), ('RF4'), ('RAJ'), ('RRK')) as t (org_code)
),

missing_named as (
    select
        date '2025-06-01' as month_start,
        named.org_code,
        'named organisation not compared for June 2025' as problem
    from named
    left join compared
        on named.org_code = compared.org_code and compared.month_start = date '2025-06-01'
    where compared.xlsx_all is null or compared.xlsx_type1 is null
)

select * from mismatches
union all
select * from missing_named
