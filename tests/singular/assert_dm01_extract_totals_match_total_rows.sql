-- DM01 full extract: for every provider, the 15 tests summed over commissioners equal the extract's own
-- TOTAL rows summed over commissioners (waiting list, 6+ and 13+ week waits, activity). Returns failures.
with

extract_rows as (
    select * from {{ ref('stg_nhse_dm01__full_extract') }}
),

by_provider as (
    select
        month_start,
        provider_org_code,
        sum(total_waiting_list) filter (where not is_total_row) as tests_waiting_list,
        sum(total_waiting_list) filter (where is_total_row) as total_waiting_list,
        sum(waiting_6_plus_weeks) filter (where not is_total_row) as tests_6_plus,
        sum(waiting_6_plus_weeks) filter (where is_total_row) as total_6_plus,
        sum(waiting_13_plus_weeks) filter (where not is_total_row) as tests_13_plus,
        sum(waiting_13_plus_weeks) filter (where is_total_row) as total_13_plus,
        sum(total_activity) filter (where not is_total_row) as tests_activity,
        sum(total_activity) filter (where is_total_row) as total_activity
    from extract_rows
    group by all
)

select * from by_provider
where
    tests_waiting_list is distinct from total_waiting_list
    or tests_6_plus is distinct from total_6_plus
    or tests_13_plus is distinct from total_13_plus
    or tests_activity is distinct from total_activity
