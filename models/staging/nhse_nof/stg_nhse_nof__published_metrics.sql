-- NHS England's published NOF data rows, typed and normalised (methodology.md 9.4).
-- Each release restates every quarter to date: the latest release wins per fact key.
with

source as (
    select * from {{ landed_source('nhse_nof', 'nhse_nof_data') }}
),

renamed as (
    select
        quarter,
        {{ quarter_start_date('quarter') }} as quarter_start_date,
        region,
        trust_type,
        trust_type_as_published,
        trust_subtype,
        trust_code,
        trust_name,
        domain,
        sub_domain,
        metric_id,
        -- OF00xx/OF01xx values, OF10xx/OF11xx scores (OF0106/OF1106), OF40xx/OF41xx domains, OF50xx summary
        case substr(metric_id, 3, 1)
            when '0' then '00'
            when '1' then '10'
            else substr(metric_id, 3, 2)
        end as metric_family,
        metric_description,
        reporting_date,
        -- the Q1 2025/26 acute release writes 'percent' where later releases write '%'
        case units when 'percent' then '%' else units end as units,
        units as units_as_published,
        value,
        median_value,
        lower_quartile,
        upper_quartile,
        cast(rank as integer) as published_rank,
        _source_file as source_file,
        _source_line as source_line,
        _period_key as release_key,
        {{ quarter_start_date("split_part(_period_key, '|', 2)") }} as release_quarter_start_date,
        _landed_at as landed_at
    from source
),

latest_release as (
    select * from renamed
    qualify row_number() over (
        partition by quarter, trust_code, metric_id, units
        order by release_quarter_start_date desc, landed_at desc
    ) = 1
)

select * from latest_release
