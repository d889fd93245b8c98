-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data, switched off by the orchestrator for any other data directory).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- Cancer, June 2025, six named trusts: FDS and 62-day numerators and denominators equal a hand computation
-- over the extract's rows (CWT-CRS-Apr-2025-to-Jul-2025-Data-Extract-Provider.xlsx, read independently with
-- python-calamine, no landing or dbt: FDS = every '28-day FDS' row of the trust-month; 62-day = the
-- '62-day Combined' rows with TREATMENT MODALITY 'ALL MODALITIES', all four routes, since the combined
-- standard covers urgent suspected cancer, screening, breast symptomatic and consultant upgrade
-- [S: NHS Lancashire and South Cumbria ICB, Sept 2023; CRUK, Aug 2023]). Returns one row per difference.
with

expected as (
    select
        t.org_code,
        t.metric_id,
        t.within_standard,
        t.total_treated,
        t.pct_4dp
    from (
        values
        ('R1H', 'OF0010', 3032.0, 3747.0, 80.9181),
        ('R1H', 'OF0011', 187.5, 257.5, 72.8155),
        ('RAJ', 'OF0010', 3795.0, 6667.0, 56.9222),
        ('RAJ', 'OF0011', 213.0, 537.5, 39.6279),
        ('RBV', 'OF0010', 25.0, 28.0, 89.2857),
        ('RBV', 'OF0011', 144.5, 194.5, 74.2931),
        ('RGT', 'OF0010', 1964.0, 2587.0, 75.9181),
        ('RGT', 'OF0011', 199.5, 275.5, 72.4138),
        ('RJ1', 'OF0010', 2143.0, 2652.0, 80.8069),
        ('RJ1', 'OF0011', 168.0, 303.0, 55.4455),
        ('RRK', 'OF0010', 3122.0, 4269.0, 73.1319),
        ('RRK', 'OF0011', 392.5, 679.5, 57.7631)
    ) as t (org_code, metric_id, within_standard, total_treated, pct_4dp)
),

computed as (
    select * from {{ ref('int_cancer_waits__monthly') }}
    where month_start = date '2025-06-01'
)

select
    expected.*,
    computed.within_standard as computed_within,
    computed.total_treated as computed_total,
    computed.pct_within_standard as computed_pct
from expected
left join computed
    on expected.org_code = computed.org_code and expected.metric_id = computed.metric_id
where
    computed.within_standard is distinct from expected.within_standard
    or computed.total_treated is distinct from expected.total_treated
    or round(computed.pct_within_standard, 4) is distinct from expected.pct_4dp
