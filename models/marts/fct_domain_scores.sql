with

domain_scores as (
    select * from {{ ref('int_domain_scores__averaged') }}
),

published_domains as (
    select * from {{ ref('int_published_domains__pivoted') }}
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
