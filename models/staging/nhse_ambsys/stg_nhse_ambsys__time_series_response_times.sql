-- AmbSYS time-series XLSX, sheet 'Raw' (raw_formats 4), in seconds: one row per file x month x organisation
-- (fiscal year and month name). org_level: england | region | trust. release_end: the last month the file reaches
-- (YYYY-MM).
with

source as (
    select * from {{ landed_source('nhse_ambsys', 'nhse_ambsys_time_series') }}
),

final as (
    select
        make_date(
            cast(left(fiscal_year, 4) as integer)
            + case when month({{ parse_timestamp("'1 ' || month_name || ' 2000'", '%d %B %Y') }}) < 4 then 1 else 0 end,
            month({{ parse_timestamp("'1 ' || month_name || ' 2000'", '%d %B %Y') }}),
            1
        ) as month_start,
        case when org_code = 'ENG' then 'ENGLAND' else org_code end as org_code,
        case
            when org_code = 'ENG' then 'england'
            when trust is null then 'region'
            else 'trust'
        end as org_level,
        coalesce(trust, case when org_code = 'ENG' then 'England' end) as org_name,
        a8 as c1_incidents,
        a24 as c1_total_seconds,
        a25 as c1_mean_seconds,
        a26 as c1_p90_seconds,
        a9 as c1t_incidents,
        a27 as c1t_total_seconds,
        a28 as c1t_mean_seconds,
        a29 as c1t_p90_seconds,
        a10 as c2_incidents,
        a30 as c2_total_seconds,
        a31 as c2_mean_seconds,
        a32 as c2_p90_seconds,
        a11 as c3_incidents,
        a33 as c3_total_seconds,
        a34 as c3_mean_seconds,
        a35 as c3_p90_seconds,
        a12 as c4_incidents,
        a36 as c4_total_seconds,
        a37 as c4_mean_seconds,
        a38 as c4_p90_seconds,
        left(split_part(_period_key, '|', 2), 7) as release_end,
        _source_file as source_file,
        _source_line as source_line
    from source
)

select * from final
