with

domain_scores as (
    select * from {{ ref('int_domain_scores__averaged') }}
),

domain_ids as (
    select * from {{ ref('nof_summary_metrics') }}
),

published as (
    select * from {{ ref('stg_nhse_nof__published_metrics') }}
    where metric_family in ('40', '41')
),

published_domains as (
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
),

final as (
    select
        domain_scores.data_source,
        domain_scores.quarter,
        domain_scores.trust_code,
        domain_scores.domain,
        domain_scores.domain_score,
        {{ round_half_up('domain_scores.domain_score') }} as domain_score_rounded,
        cast(domain_scores.metrics_scored as integer) as metrics_scored,
        published_domains.published_domain_score,
        published_domains.published_domain_segment
    from domain_scores
    left join published_domains
        on
            domain_scores.quarter = published_domains.quarter
            and domain_scores.trust_code = published_domains.trust_code
            and domain_scores.domain = published_domains.domain
)

select * from final
