-- Issue 10.5: rpt_reconciliation (both grains, kept for its readers) holds exactly the rows of
-- rpt_reconciliation_by_quarter and, as 'All quarters', those of rpt_reconciliation_overall.
with

legacy as (
    select * from {{ ref('rpt_reconciliation') }}
),

split as (
    select * from {{ ref('rpt_reconciliation_by_quarter') }}
    union all
    select
        data_source,
        'All quarters' as quarter,
        check_name,
        compared,
        matched,
        excepted,
        exceptions_applied,
        match_rate,
        largest_difference,
        tolerance,
        min_match_rate,
        meets_threshold,
        judged_on,
        is_judged
    from {{ ref('rpt_reconciliation_overall') }}
),

only_legacy as (
    select * from legacy
    except all
    select * from split
),

only_split as (
    select * from split
    except all
    select * from legacy
),

final as (
    select
        'only in rpt_reconciliation' as problem,
        *
    from only_legacy
    union all
    select
        'only in the split models' as problem,
        *
    from only_split
)

select * from final
