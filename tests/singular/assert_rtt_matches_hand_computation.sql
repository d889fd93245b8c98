-- An acceptance check of the embedded real files (named trusts and months): it runs when the embedded default is
-- the input (dbt var check_embedded_data, switched off by the orchestrator for any other data directory).
{{ config(enabled=var('check_embedded_data', true), tags=['embedded_data']) }}

-- RTT incomplete pathways, November 2024, provider RBD (Dorset County Hospital): the figures computed by
-- int_rtt_incomplete_pathways__monthly equal a hand computation over the real excerpt
-- (data/nhse_rtt/20241130-RTT-November-2024-RBD.csv) read with Python's csv module, no landing or dbt
-- (tests/python/test_rtt.py repeats it): Part_2 rows, C_999, commissioners other than NONC (40 of 41), summed:
-- within 18 weeks = sum of 'Gt 00 To 01' .. 'Gt 17 To 18' = 12,534; 52+ weeks = sum of 'Gt 52 To 53' ..
-- 'Gt 104 Weeks' = 647; waiting list = sum of 'Total All' = 21,693; NONC 'Total All' = 9.
-- OF0023 = 57.7790 %, OF0003 = 2.9825 % (4 dp). Returns one row per difference.
with

expected as (
    select
        t.provider_org_code,
        t.month_start,
        t.within_18_weeks,
        t.over_52_weeks,
        t.waiting_list,
        t.waiting_list_nonc,
        t.commissioners,
        t.pct_within_18_weeks_4dp,
        t.pct_over_52_weeks_4dp
    from (
        values ('RBD', date '2024-11-01', 12534.0, 647.0, 21693.0, 9.0, 40, 57.7790, 2.9825)
    ) as t (
        provider_org_code, month_start, within_18_weeks, over_52_weeks, waiting_list, waiting_list_nonc,
        commissioners, pct_within_18_weeks_4dp, pct_over_52_weeks_4dp
    )
),

computed as (
    select * from {{ ref('int_rtt_incomplete_pathways__monthly') }}
)

select
    expected.*,
    computed.within_18_weeks as computed_within_18,
    computed.over_52_weeks as computed_over_52,
    computed.waiting_list as computed_waiting_list,
    computed.pct_within_18_weeks as computed_pct_within_18,
    computed.pct_over_52_weeks as computed_pct_over_52
from expected
left join computed
    on
        expected.provider_org_code = computed.provider_org_code
        and expected.month_start = computed.month_start
where
    computed.provider_org_code is null
    or computed.within_18_weeks <> expected.within_18_weeks
    or computed.over_52_weeks <> expected.over_52_weeks
    or computed.waiting_list <> expected.waiting_list
    or computed.waiting_list_nonc <> expected.waiting_list_nonc
    or computed.commissioners <> expected.commissioners
    or round(computed.pct_within_18_weeks, 4) <> expected.pct_within_18_weeks_4dp
    or round(computed.pct_over_52_weeks, 4) <> expected.pct_over_52_weeks_4dp
