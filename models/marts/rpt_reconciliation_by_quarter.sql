-- The engine against NHS England's published figures, per data source x quarter x check: how many comparisons
-- matched within the check's tolerance (seed reconciliation_checks), how many an explained difference excepted,
-- and whether the quarter is the one the publication gate judges the check on (is_judged).
with

compared as (
    select * from {{ ref('int_reconciliation__compared') }}
),

final as (
    {{ reconciliation_rates('compared', by_quarter=true) | indent(4) }}
)

select * from final
