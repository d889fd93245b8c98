-- RTT full extract: for every month, provider, commissioner and part, the treatment-function rows add up to the
-- extract's own C_999 'Total' row (within 18 weeks, 52+ weeks, every week band, Total All), so summing the
-- C_999 rows (int_rtt_incomplete_pathways__monthly) and summing the functions give the same figures. Holds on
-- the real November 2024 excerpt (RBD, 41 commissioners x 5 parts). Returns one row per difference.
with

extract_rows as (
    select * from {{ ref('stg_nhse_rtt__full_extract') }}
),

by_part as (
    select
        month_start,
        provider_org_code,
        commissioner_org_code,
        rtt_part_type,
        sum(within_18_weeks) filter (where treatment_function_code <> 'C_999') as functions_within_18,
        sum(within_18_weeks) filter (where treatment_function_code = 'C_999') as total_within_18,
        sum(over_52_weeks) filter (where treatment_function_code <> 'C_999') as functions_over_52,
        sum(over_52_weeks) filter (where treatment_function_code = 'C_999') as total_over_52,
        sum(week_bands_total) filter (where treatment_function_code <> 'C_999') as functions_bands,
        sum(week_bands_total) filter (where treatment_function_code = 'C_999') as total_bands,
        sum(total_all) filter (where treatment_function_code <> 'C_999') as functions_total_all,
        sum(total_all) filter (where treatment_function_code = 'C_999') as total_total_all
    from extract_rows
    group by all
)

select * from by_part
where
    functions_within_18 is distinct from total_within_18
    or functions_over_52 is distinct from total_over_52
    or functions_bands is distinct from total_bands
    or functions_total_all is distinct from total_total_all
