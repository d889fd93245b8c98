-- The engine reproduces NHS England's published figures at the match rates the reconciliation_checks seed
-- requires, judged over all quarters of each data source where NHS England's figures are present.
select
    data_source,
    check_name,
    compared,
    matched,
    match_rate,
    min_match_rate,
    largest_difference
from {{ ref('rpt_reconciliation') }}
where quarter = 'All quarters' and not meets_threshold
