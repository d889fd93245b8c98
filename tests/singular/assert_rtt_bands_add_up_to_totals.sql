-- RTT full extract, how the totals are made (raw_formats 2.1 'Blank vs zero'), checked on every row: incomplete
-- pathways (Part_2, 2A) have no 'Total' or unknown-clock-start count and their 'Total All' (the waiting list,
-- the OF0023 and OF0003 denominator) is the sum of the 105 week bands; completed pathways (Part_1A, 1B) have
-- 'Total' = the bands and 'Total All' = 'Total' + 'Patients with unknown clock start date'; new periods
-- (Part_3) have no bands. True of every row of the real November 2024 excerpt. Returns one row per failure.
with

extract_rows as (
    select * from {{ ref('stg_nhse_rtt__full_extract') }}
)

select
    month_start,
    provider_org_code,
    commissioner_org_code,
    rtt_part_type,
    treatment_function_code,
    week_bands_total,
    total_known_clock_start,
    unknown_clock_start,
    total_all
from extract_rows
where
    case
        when rtt_part_type in ('Part_2', 'Part_2A')
            then
                week_bands_total <> total_all
                or total_known_clock_start is not null
                or unknown_clock_start is not null
        when rtt_part_type in ('Part_1A', 'Part_1B')
            then
                week_bands_total is distinct from total_known_clock_start
                or total_known_clock_start + coalesce(unknown_clock_start, 0) <> total_all
        when rtt_part_type = 'Part_3' then week_bands_total <> 0
        else true
    end
