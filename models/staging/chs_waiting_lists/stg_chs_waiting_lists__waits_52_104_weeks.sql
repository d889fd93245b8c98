-- Community health services waiting lists (CHS SitRep), Table 4g: one row per month x organisation x service
-- line with the number waiting >52-104 weeks. Blank = no submission for the service line (kept null, not zero).
with

source as (
    select
        {{ star_except([
            'organisation_name', '_source_path', '_source_sha256', '_landed_at', '_period_key', '_synthetic',
            '_source_line'
        ]) }}
    from {{ landed_source('chs_waiting_lists', 'chs_waiting_list_52_104_weeks') }}
),

unpivoted as (
    select * from source
    unpivot include nulls (
        waiting_52_104_weeks for service in (
            {{ landed_columns('chs_waiting_lists', 'chs_waiting_list_52_104_weeks', [
                'organisation_type', 'organisation_code', 'organisation_name', 'month_end_date', '_source_file',
                '_source_path', '_source_sha256', '_source_line', '_landed_at', '_period_key', '_synthetic'
            ]) }}
        )
    )
),

final as (
    select
        month_end_date,
        organisation_type,
        coalesce(organisation_code, '') as organisation_code,
        service,
        waiting_52_104_weeks,
        _source_file as source_file
    from unpivoted
)

select * from final
