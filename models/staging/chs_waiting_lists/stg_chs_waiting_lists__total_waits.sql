-- Community health services waiting lists (CHS SitRep), Table 4: one row per month x organisation x service line
-- with the total waiting list. Blank = no submission for the service line (kept null, not zero).
with

source as (
    select {{ star_except([
        'organisation_name', '_source_path', '_source_sha256', '_landed_at', '_period_key', '_synthetic'
    ]) }}
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_total') }}
),

names as (
    select distinct
        month_end_date,
        organisation_type,
        organisation_code,
        organisation_name
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_total') }}
),

unpivoted as (
    select * from source
    unpivot include nulls (
        total_waiting for service in (
            {{ landed_columns('chs_waiting_lists', 'chs_waiting_list_total', [
                'organisation_type', 'organisation_code', 'organisation_name', 'month_end_date', '_source_file',
                '_source_path', '_source_sha256', '_source_line', '_landed_at', '_period_key', '_synthetic'
            ]) }}
        )
    )
),

final as (
    select
        unpivoted.month_end_date,
        unpivoted.organisation_type,
        coalesce(unpivoted.organisation_code, '') as organisation_code,
        names.organisation_name,
        unpivoted.service,
        unpivoted.total_waiting,
        unpivoted._source_file as source_file,
        unpivoted._source_line as source_line
    from unpivoted
    left join names
        on
            unpivoted.month_end_date = names.month_end_date
            and unpivoted.organisation_type = names.organisation_type
            and unpivoted.organisation_code is not distinct from names.organisation_code
)

select * from final
