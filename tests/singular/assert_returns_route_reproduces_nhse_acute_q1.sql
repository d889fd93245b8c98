-- Acceptance of the raw-returns route against NHS England's ACUTE Q1 2025/26 data file
-- (data/nhse_nof/nhs-oversight-framework-acute-trust-data.csv), per metric, on rpt_metric_value_reconciliation
-- (which owns the comparison at the published precision): every acute trust NHS England publishes the metric
-- for must be compared (a broken join cannot pass by comparing nothing), and every one must match unless
-- seeds/known_value_differences.csv gives the reason (assert_value_misses_are_explained fails a miss without
-- one and a listed reason that no longer belongs to a miss); at most 2% of a metric's trusts may be known misses.
--   OF0010 28-day FDS, OF0011 62-day: 'Q1 2025/26', Apr-Jun 2025 sums from the CWT provider extract, 118 trusts
--     (the 16 specialist acute trusts have none: seed metric_trust_exclusions);
--   OF0005 community 52-week waits: 'Jun-25', June 2025 CHS workbook, 80 trusts (rounded 4 -> 3 -> 2 dp);
--   OF0082 sickness absence: 'Q4 2024-25', January-March 2025 files, 134 trusts;
--   OF0061, OF0084 staff survey: '2024', NSS24, 134 trusts (R1F through its acute-sector code R1F1);
--   OF0017 Category 2 mean: 'Q1 2025', AmbSYS Apr-Jun 2025, whole seconds then minutes, 1 trust (R1F);
--   OF0013 A&E 4 hours: 'Q1 2025', monthly CSV x each month's Acute Trust Mapping, acute-trust footprints summed
--     over April-June 2025, 1 dp, 123 trusts.
-- Judged on the embedded files only (dbt var check_embedded_data).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}
with

expected as (
    select
        t.metric_id,
        t.trusts
    from (
        values
        ('OF0010', 118),
        ('OF0011', 118),
        ('OF0005', 80),
        ('OF0082', 134),
        ('OF0061', 134),
        ('OF0084', 134),
        ('OF0017', 1),
        ('OF0013', 123)
    ) as t (metric_id, trusts)
),

reconciliation as (
    select * from {{ ref('rpt_metric_value_reconciliation') }}
    where
        quarter = 'Q1 2025/26' and cohort = 'acute'
        and outcome in ('matched', 'different', 'not_computed')
),

summarised as (
    select
        expected.metric_id,
        expected.trusts as expected_trusts,
        count(reconciliation.trust_code) as compared_trusts,
        count(*) filter (where reconciliation.outcome = 'matched') as matched_trusts,
        count(*) filter (where reconciliation.outcome <> 'matched' and reconciliation.difference_reason is not null)
            as explained_misses
    from expected
    left join reconciliation on expected.metric_id = reconciliation.metric_id
    group by expected.metric_id, expected.trusts
)

select * from summarised
where
    compared_trusts <> expected_trusts
    or matched_trusts + explained_misses <> expected_trusts
    or matched_trusts < 0.98 * expected_trusts
