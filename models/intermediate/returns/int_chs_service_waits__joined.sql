-- Community health services waiting lists (CHS SitRep), Tables 4, 4g and 4h side by side: one row per month x
-- organisation x service line of Table 4 with its total list and the numbers waiting >52-104 and >104 weeks.
-- Blank = no submission for the service line (kept null, not zero).
with

total as (
    select * from {{ ref('stg_chs_waiting_lists__total_waits') }}
),

weeks_52_104 as (
    select * from {{ ref('stg_chs_waiting_lists__waits_52_104_weeks') }}
),

weeks_over_104 as (
    select * from {{ ref('stg_chs_waiting_lists__waits_over_104_weeks') }}
),

joined as (
    select
        total.month_end_date,
        total.organisation_type,
        total.organisation_code,
        total.organisation_name,
        total.service,
        total.total_waiting,
        weeks_52_104.waiting_52_104_weeks,
        weeks_over_104.waiting_over_104_weeks,
        total.source_file,
        total.source_line
    from total
    left join weeks_52_104
        on
            total.month_end_date = weeks_52_104.month_end_date
            and total.organisation_type = weeks_52_104.organisation_type
            and total.organisation_code = weeks_52_104.organisation_code
            and total.service = weeks_52_104.service
    left join weeks_over_104
        on
            total.month_end_date = weeks_over_104.month_end_date
            and total.organisation_type = weeks_over_104.organisation_type
            and total.organisation_code = weeks_over_104.organisation_code
            and total.service = weeks_over_104.service
)

select * from joined
