-- A trust with the financial override is never above segment 3; segment 5 only with the programme flag.
select
    data_source,
    quarter,
    trust_code,
    financial_override,
    adjusted_segment,
    recovery_support,
    final_segment
from {{ ref('rpt_league_table') }}
where
    (financial_override and adjusted_segment < 3)
    or (final_segment = 5 and not recovery_support)
    or (recovery_support and final_segment <> 5)
