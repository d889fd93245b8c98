-- rpt_reconciliation (the checks as the gate judges them) holds exactly the is_judged rows of
-- rpt_reconciliation_by_quarter (judged_quarter = the quarter) and rpt_reconciliation_overall (judged_quarter
-- null), with the same figures.
with

judged as (
    select * from {{ ref('rpt_reconciliation') }}
),

split as (
    select
        data_source,
        check_name,
        judged_on,
        compared,
        matched,
        excepted,
        exceptions_applied,
        match_rate,
        largest_difference,
        meets_threshold,
        quarter as judged_quarter
    from {{ ref('rpt_reconciliation_by_quarter') }}
    where is_judged
    union all
    select
        data_source,
        check_name,
        judged_on,
        compared,
        matched,
        excepted,
        exceptions_applied,
        match_rate,
        largest_difference,
        meets_threshold,
        cast(null as string) as judged_quarter
    from {{ ref('rpt_reconciliation_overall') }}
    where is_judged
),

final as (
    select
        coalesce(judged.data_source, split.data_source) as data_source,
        coalesce(judged.check_name, split.check_name) as check_name,
        judged.judged_quarter,
        split.judged_quarter as split_judged_quarter,
        judged.compared,
        split.compared as split_compared,
        judged.matched,
        split.matched as split_matched
    from judged
    full outer join split
        on judged.data_source = split.data_source and judged.check_name = split.check_name
    where
        judged.data_source is null
        or split.data_source is null
        or judged.judged_quarter is distinct from split.judged_quarter
        or judged.judged_on is distinct from split.judged_on
        or judged.compared is distinct from split.compared
        or judged.matched is distinct from split.matched
        or judged.excepted is distinct from split.excepted
        or judged.exceptions_applied is distinct from split.exceptions_applied
        or judged.match_rate is distinct from split.match_rate
        or judged.largest_difference is distinct from split.largest_difference
        or judged.meets_threshold is distinct from split.meets_threshold
)

select * from final
