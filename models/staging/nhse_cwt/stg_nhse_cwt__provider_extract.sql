-- Cancer Waiting Times provider extract (raw_formats 3): one row per month x standard x provider x route
-- x modality x cancer type. Counts stay fractional (shared patients count 0.5). Where several extracts
-- cover a month, the one reaching furthest (then the latest file name) wins.
with

source as (
    select * from {{ landed_source('nhse_cwt', 'nhse_cwt_provider') }}
),

ranked as (
    select
        *,
        dense_rank() over (
            partition by period
            order by split_part(_period_key, '..', 2) desc, _source_file desc
        ) as release_rank
    from source
),

final as (
    select
        period as month_start,
        standard,
        org_code,
        stage_route,
        treatment_modality,
        cancer_type,
        total_treated,
        within_standard,
        breaches,
        _source_file as source_file,
        _source_line as source_line
    from ranked
    where release_rank = 1
)

select * from final
