-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- Issue 13.2, two worked examples of well-ranked acute trusts (Q1 2025/26) with a department in the national
-- bottom decile, computed by hand from the raw files with Python's csv module and python-calamine (no landing, no
-- dbt), over the providers that are NHS trusts with a denominator of at least 30:
-- REF Royal Cornwall, type 1 A&E (Monthly-AE-April/May/June-2025 CSVs, 'A&E attendances Type 1' + booked,
--   'Attendances over 4hrs Type 1' + booked): Apr 6,767 / 3,415, May 7,244 / 3,689, Jun 7,034 / 3,980 ->
--   21,045 attendances, 11,084 over 4 hours, 9,961 within = 47.33 %; 5 of the other 120 trusts lower
--   (RBT 40.7, RWA 42.4, RXW 43.0, RJL 45.7, RCB 46.9) -> percentile 5 / 120.
-- RGM Royal Papworth, cancer 62-day Combined, Lung, all routes, ALL MODALITIES (CWT provider extract, Apr-Jun
--   2025): treated 11.5 + 0.5 + 3.5 + 11.5 + 4.0 + 16.5 + 5.0 = 52.5, within 4.5 + 0 + 0.5 + 5.0 + 1.5 + 6.5 +
--   0.5 = 18.5 -> 35.24 %; 2 of the other 104 trusts lower (RTH 30.1, RM1 31.7) -> percentile 2 / 104.
-- Returns a row per difference.
with

expected as (
    select
        t.trust_code,
        t.department,
        t.numerator,
        t.denominator,
        t.national_percentile,
        t.peers_assessed
    from (
        values
        ('REF', 'Type 1 (major emergency department)', 9961.0, 21045.0, 5.0 / 120, 121),
        ('RGM', '62-day Combined: Lung', 18.5, 52.5, 2.0 / 104, 105)
    ) as t (trust_code, department, numerator, denominator, national_percentile, peers_assessed)
),

computed as (
    select * from {{ ref('fct_department_performance') }}
    where quarter = 'Q1 2025/26'
)

select
    expected.*,
    computed.numerator as computed_numerator,
    computed.denominator as computed_denominator,
    computed.national_percentile as computed_percentile,
    computed.is_bottom_decile,
    computed.final_segment
from expected
left join computed
    on expected.trust_code = computed.trust_code and expected.department = computed.department
where
    computed.trust_code is null
    or computed.numerator != expected.numerator
    or computed.denominator != expected.denominator
    or abs(computed.national_percentile - expected.national_percentile) > 1e-12
    or computed.peers_assessed != expected.peers_assessed
    or not computed.is_bottom_decile
    or computed.final_segment not in (1, 2)
