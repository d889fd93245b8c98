-- Community Services Statistics core data: one row per reporting period x organisation x level x dimension x
-- count type x measure (x second measure); the latest landed file wins for a restated row.
with

source as (
    select * from {{ landed_source('csds_core') }}
),

renamed as (
    select
        reporting_period_start,
        reporting_period_end,
        org_code,
        org_name,
        org_level,
        dimension,
        count_of,
        measure,
        measure_desc,
        measure_2,
        measure_2_desc,
        measure_value,
        measure_value_0_18,
        measure_value_19_64,
        measure_value_65_plus,
        _source_file as source_file,
        _source_line as source_line,
        _landed_at as landed_at
    from source
),

latest as (
    select * from renamed
    qualify row_number() over (
        partition by
            reporting_period_start, reporting_period_end, org_code, org_level, dimension, count_of, measure, measure_2
        order by landed_at desc, source_file desc
    ) = 1
)

select * from latest
