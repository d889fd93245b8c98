-- The CWT extract carries each 62-day route twice: ALL MODALITIES x each cancer type, and each modality x
-- ALL CANCERS (raw_formats 3). Both cuts must sum to the same totals per provider x month x route, which is
-- why int_cancer_waits__monthly sums one cut only. Returns one row per disagreement.
with

rows_62 as (
    select * from {{ ref('stg_nhse_cwt__provider_extract') }}
    where standard = '62-day Combined'
),

cuts as (
    select
        month_start,
        org_code,
        stage_route,
        sum(total_treated) filter (where treatment_modality = 'ALL MODALITIES') as by_cancer_type,
        sum(total_treated) filter (where cancer_type = 'ALL CANCERS') as by_modality,
        sum(within_standard) filter (where treatment_modality = 'ALL MODALITIES') as within_by_cancer_type,
        sum(within_standard) filter (where cancer_type = 'ALL CANCERS') as within_by_modality
    from rows_62
    group by all
)

select * from cuts
where
    by_cancer_type is distinct from by_modality
    or within_by_cancer_type is distinct from within_by_modality
