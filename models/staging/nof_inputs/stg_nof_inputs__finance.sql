-- User-supplied finance inputs (template data/inputs/nof-input-finance.csv): planned surplus/deficit %
-- (OF0079), year-to-date variance to plan % (OF0081) and the deficit / deficit-support flag (OF5004).
with

source as (
    select * from {{ landed_source('nof_inputs', 'nof_input_finance') }}
),

renamed as (
    select
        quarter,
        trust_code,
        planned_surplus_deficit_pct,
        plan_reporting_date,
        ytd_variance_to_plan_pct,
        ytd_reporting_date,
        case financial_override when 'Yes' then true when 'No' then false end as financial_override,
        source as input_source,
        _source_file as source_file,
        _landed_at as landed_at
    from source
),

latest as (
    {{ latest_landed_rows('renamed', ['quarter', 'trust_code']) }}
)

select * from latest
