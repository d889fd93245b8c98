-- The engine against NHS England's published figures, per data source x quarter x check. A row is a match
-- when the difference is within the check's tolerance (dbt var reconciliation_tolerances).
{%- set tolerances = var('reconciliation_tolerances') %}
with

league as (
    select * from {{ ref('rpt_league_table') }}
),

metric_scores as (
    select * from {{ ref('fct_metric_scores') }}
),

domain_scores as (
    select * from {{ ref('fct_domain_scores') }}
),

comparisons as (
    select
        data_source,
        quarter,
        'computed_metric_scores' as check_name,
        abs(score_rounded - published_score) as difference,
        {{ tolerances['computed_metric_scores'] }} as tolerance
    from metric_scores
    where score_method = 'computed' and published_score is not null
    union all
    select
        data_source,
        quarter,
        'all_metric_scores',
        abs(score_rounded - published_score),
        {{ tolerances['computed_metric_scores'] }}
    from metric_scores
    where published_score is not null
    union all
    select
        data_source,
        quarter,
        'average_score',
        abs(average_score_rounded - published_average_score),
        {{ tolerances['average_score'] }}
    from league
    where published_average_score is not null
    union all
    select
        data_source,
        quarter,
        'average_score_exact',
        abs(average_score_rounded - published_average_score),
        0
    from league
    where published_average_score is not null
    union all
    select
        data_source,
        quarter,
        'domain_scores',
        abs(domain_score_rounded - published_domain_score),
        {{ tolerances['average_score'] }}
    from domain_scores
    where published_domain_score is not null
    union all
    select data_source, quarter, 'unadjusted_segment', abs(unadjusted_segment - published_unadjusted_segment), 0
    from league
    where published_unadjusted_segment is not null
    union all
    select data_source, quarter, 'adjusted_segment', abs(adjusted_segment - published_segment), 0
    from league
    where published_segment is not null
    union all
    select data_source, quarter, 'final_segment', abs(final_segment - published_final_segment), 0
    from league
    where published_final_segment is not null
    union all
    select data_source, quarter, 'league_rank', abs(league_rank - published_rank), 0
    from league
    where published_rank is not null
    union all
    select
        data_source,
        quarter,
        'league_rank_within_tolerance',
        abs(league_rank - published_rank),
        {{ tolerances['league_rank_max_abs_difference'] }}
    from league
    where published_rank is not null
    union all
    select
        data_source,
        quarter,
        'likely_range_average_score',
        greatest(
            abs({{ round_half_up('average_score_low') }} - published_average_score_low),
            abs({{ round_half_up('average_score_high') }} - published_average_score_high)
        ),
        {{ tolerances['likely_range_average_score'] }}
    from league
    where published_average_score_low is not null
    union all
    select
        data_source,
        quarter,
        'likely_range_rank',
        greatest(abs(league_rank_low - published_rank_low), abs(league_rank_high - published_rank_high)),
        {{ tolerances['likely_range_rank'] }}
    from league
    where published_rank_low is not null
),

summarised as (
    -- per quarter, and over all quarters ('All quarters') where the acceptance rates are judged
    select
        data_source,
        coalesce(quarter, 'All quarters') as quarter,
        check_name,
        count(*) as compared,
        count(*) filter (where difference <= tolerance + 1e-9) as matched,
        max(difference) as largest_difference,
        cast(max(tolerance) as double) as tolerance
    from comparisons
    group by grouping sets ((data_source, quarter, check_name), (data_source, check_name))
),

final as (
    select
        data_source,
        quarter,
        check_name,
        cast(compared as integer) as compared,
        cast(matched as integer) as matched,
        matched / compared as match_rate,
        largest_difference,
        tolerance
    from summarised
)

select * from final
