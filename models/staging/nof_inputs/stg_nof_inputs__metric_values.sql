-- User-supplied metric values (template data/inputs/nof-input-metric-values.csv): any registry metric the
-- public returns here do not carry, as a value in its units, or as a score where NHS England scores it from
-- data the engine does not receive (SHMI OF1046, CQC surveys OF1069 / OF1035, CQC safe OF1067 without a rating).
with

source as (
    select * from {{ landed_source('nof_inputs', 'nof_input_metric_values') }}
),

renamed as (
    select
        quarter,
        trust_code,
        metric_id,
        value,
        -- NHS England's acute Q1 2025/26 file writes 'percent' where later files write '%'
        case units when 'percent' then '%' else units end as units,
        score as supplied_score,
        reporting_date,
        source as input_source,
        _source_file as source_file,
        _landed_at as landed_at
    from source
),

latest as (
    {{ latest_landed_rows('renamed', ['quarter', 'trust_code', 'metric_id']) }}
)

select * from latest
