-- A&E by-provider workbook, 'Acute Trust Footprint Data' sheet: NHS England's own footprint totals per acute
-- trust and month (the trust's attendances plus the type 3 activity mapped to it), kept to check the
-- footprints computed from the mapping and the monthly CSV. England row: acute_trust_code 'ENGLAND'.
-- Percentages are fractions, as published.
with

source as (
    select * from {{ landed_source('nhse_ae', 'nhse_ae_acute_trust_footprint') }}
),

final as (
    select
        -- 'November  2024' carries two spaces: runs of white space (RE2's \s: space, tab, LF, FF, CR, spelt without a
        -- backslash, which Spark's string literals would unescape) read as one space.
        {%- set white_space_run = "'[ ' || chr(9) || chr(10) || chr(12) || chr(13) || ']+'" %}
        cast(
            {{ parse_timestamp("'01 ' || " ~ regexp_replace_all('trim(period)', white_space_run, "' '"), '%d %B %Y') }}
            as date
        ) as month_start,
        coalesce(code, 'ENGLAND') as acute_trust_code,
        code is null as is_england_total,
        trim(region) as region,
        name as acute_trust_name,
        attendances_type1,
        attendances_type2,
        attendances_type3,
        attendances_total,
        over_4_hours_type1,
        over_4_hours_type2,
        over_4_hours_type3,
        over_4_hours_total,
        mapped_attendances,
        mapped_over_4_hours,
        pct_within_4_hours_all_before_mapping,
        pct_within_4_hours_all_mapped,
        published,
        revised,
        _source_file as source_file,
        _source_line as source_line
    from source
)

select * from final
