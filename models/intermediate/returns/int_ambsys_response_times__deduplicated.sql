-- AmbSYS response times (raw_formats 4) in seconds, one row per month x organisation, from the CSV and the
-- time-series XLSX 'Raw' sheet. Where both (or several releases) carry a month, the file reaching the later month
-- wins, then the later file name. org_level: england | region | trust.
with

from_csv as (
    select * from {{ ref('stg_nhse_ambsys__csv_response_times') }}
),

from_xlsx as (
    select * from {{ ref('stg_nhse_ambsys__time_series_response_times') }}
),

unioned as (
    select * from from_csv
    union all
    select * from from_xlsx
),

final as (
    select
        month_start,
        org_code,
        org_level,
        org_name,
        c1_incidents,
        c1_total_seconds,
        c1_mean_seconds,
        c1_p90_seconds,
        c1t_incidents,
        c1t_total_seconds,
        c1t_mean_seconds,
        c1t_p90_seconds,
        c2_incidents,
        c2_total_seconds,
        c2_mean_seconds,
        c2_p90_seconds,
        c3_incidents,
        c3_total_seconds,
        c3_mean_seconds,
        c3_p90_seconds,
        c4_incidents,
        c4_total_seconds,
        c4_mean_seconds,
        c4_p90_seconds,
        source_file,
        source_line
    from unioned
    qualify row_number() over (
        partition by month_start, org_code order by release_end desc, source_file desc
    ) = 1
)

select * from final
