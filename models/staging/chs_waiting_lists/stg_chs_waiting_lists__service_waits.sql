-- Community health services waiting lists (CHS SitRep), Tables 4, 4g and 4h: one row per month x
-- organisation x service line with the total list and the numbers waiting >52-104 and >104 weeks.
-- Blank = no submission for the service line (kept null, not zero).
with

total_source as (
    select * exclude (organisation_name, _source_path, _source_sha256, _landed_at, _period_key, _synthetic)
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_total') }}
),

weeks_52_104_source as (
    select
        * exclude (
            organisation_name, _source_path, _source_sha256, _landed_at, _period_key, _synthetic, _source_line
        )
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_52_104_weeks') }}
),

weeks_over_104_source as (
    select
        * exclude (
            organisation_name, _source_path, _source_sha256, _landed_at, _period_key, _synthetic, _source_line
        )
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_over_104_weeks') }}
),

total as (
    select * from total_source
    unpivot include nulls (
        total_waiting for service in (
            columns(* exclude (organisation_type, organisation_code, month_end_date, _source_file, _source_line))
        )
    )
),

weeks_52_104 as (
    select * from weeks_52_104_source
    unpivot include nulls (
        waiting_52_104_weeks for service in (
            columns(* exclude (organisation_type, organisation_code, month_end_date, _source_file))
        )
    )
),

weeks_over_104 as (
    select * from weeks_over_104_source
    unpivot include nulls (
        waiting_over_104_weeks for service in (
            columns(* exclude (organisation_type, organisation_code, month_end_date, _source_file))
        )
    )
),

names as (
    select distinct
        month_end_date,
        organisation_type,
        organisation_code,
        organisation_name
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_total') }}
),

joined as (
    select
        total.month_end_date,
        total.organisation_type,
        coalesce(total.organisation_code, '') as organisation_code,
        names.organisation_name,
        total.service,
        total.total_waiting,
        weeks_52_104.waiting_52_104_weeks,
        weeks_over_104.waiting_over_104_weeks,
        total._source_file as source_file,
        total._source_line as source_line
    from total
    left join names
        on
            total.month_end_date = names.month_end_date
            and total.organisation_type = names.organisation_type
            and total.organisation_code is not distinct from names.organisation_code
    left join weeks_52_104
        on
            total.month_end_date = weeks_52_104.month_end_date
            and total.organisation_type = weeks_52_104.organisation_type
            and total.organisation_code is not distinct from weeks_52_104.organisation_code
            and total.service = weeks_52_104.service
    left join weeks_over_104
        on
            total.month_end_date = weeks_over_104.month_end_date
            and total.organisation_type = weeks_over_104.organisation_type
            and total.organisation_code is not distinct from weeks_over_104.organisation_code
            and total.service = weeks_over_104.service
)

select * from joined
