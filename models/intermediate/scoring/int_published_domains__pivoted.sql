-- NHS England's published domain figures per quarter x trust x domain: the data file's domain score (OF40xx)
-- and domain segment (OF41xx) rows side by side, the domain named by the nof_summary_metrics seed.
with

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
    where metric_family in ('40', '41')
),

domain_ids as (
    select * from {{ ref('nof_summary_metrics') }}
),

pivoted as (
    select
        published.quarter,
        published.trust_code,
        domain_ids.domain,
        min(published.value) filter (where domain_ids.family = 'domain_score') as published_domain_score,
        cast(min(published.value) filter (where domain_ids.family = 'domain_segment') as integer)
            as published_domain_segment
    from published
    inner join domain_ids on published.metric_id = domain_ids.metric_id
    group by published.quarter, published.trust_code, domain_ids.domain
)

select * from pivoted
