-- The engine against NHS England's published figures, per data source x quarter x check and over all quarters
-- ('All quarters' rows), as the publication gate and the release read it (kept for them: the same figures, one
-- grain each, are rpt_reconciliation_by_quarter and rpt_reconciliation_overall). A row is a match when the
-- difference is within the check's tolerance; the reconciliation_checks seed holds each check's tolerance, the
-- minimum match rate the publication gate requires, and the rows it is judged on (over all quarters, or one
-- quarter where a route is complete by design: is_judged).
with

compared as (
    select * from {{ ref('int_reconciliation__compared') }}
),

by_quarter as (
    {{ reconciliation_rates('compared', by_quarter=true) | indent(4) }}
),

overall as (
    {{ reconciliation_rates('compared', by_quarter=false, overall_label='All quarters') | indent(4) }}
),

final as (
    select * from by_quarter
    union all
    select * from overall
)

select * from final
