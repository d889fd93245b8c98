-- Every monthly numerator and denominator behind a metric the raw returns compute on the registry's basis
-- 'quarter', per metric x trust x month: the input of the provisional values (int_metric_values__provisional).
-- OF0013 from the A&E acute-trust footprints, OF0010 and OF0011 from the cancer waiting times; the same monthly
-- models int_metric_values__ae and int_metric_values__cancer sum over a complete quarter.
with

registry as (
    select * from {{ ref('metric_registry') }}
    where methodology_year = '{{ var("methodology_year") }}'
),

ae_footprints as (
    select * from {{ ref('int_ae_acute_footprints__mapped') }}
),

cancer_waits as (
    select * from {{ ref('int_cancer_waits__monthly') }}
),

unioned as (
    select
        {{ registry_metric_id("'ae_within_4_hours'") }} as metric_id,
        acute_trust_code as trust_code,
        month_start,
        within_4_hours as numerator,
        attendances as denominator,
        'nhse_ae_monthly x nhse_ae_acute_trust_mapping (' || csv_file || ')' as source_label
    from ae_footprints
    union all
    select
        metric_id,
        org_code as trust_code,
        month_start,
        within_standard as numerator,
        total_treated as denominator,
        'nhse_cwt_provider: ' || source_files as source_label
    from cancer_waits
),

final as (
    select
        metric_id,
        trust_code,
        month_start,
        {{ nof_quarter_label('month_start') }} as quarter,
        numerator,
        denominator,
        source_label
    from unioned
)

select * from final
