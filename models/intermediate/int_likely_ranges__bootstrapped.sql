-- Likely ranges (methodology.md 8.4): a bootstrap of each trust's own metric scores. In every replicate each
-- trust's scores are resampled with replacement (as many draws as it has scores), its mean recomputed,
-- re-segmented with the quarter's cut-points held fixed, the financial override re-applied, and the cohort
-- re-ranked by (segment, 2-dp mean). The central `bootstrap_interval` of the means and ranks is reported.
-- Draws come from a hash of (seed, data source, quarter, trust, replicate, draw), so output is identical
-- run to run and independent of thread scheduling.
with

scores as (
    select
        data_source,
        quarter,
        trust_code,
        score,
        weight,
        row_number() over (partition by data_source, quarter, trust_code order by metric_id) - 1 as score_index
    from {{ ref('int_metric_scores__scored') }}
    where include_in_average and score is not null
),

trusts as (
    select
        data_source,
        quarter,
        trust_code,
        cohort,
        metrics_scored,
        financial_override,
        cut_point_1,
        cut_point_2,
        cut_point_3
    from {{ ref('int_trust_quarters__segmented') }}
    where metrics_scored > 0
),

replicates as (
    select range as replicate from range({{ var('bootstrap_replicates') }})
),

draws as (
    select
        trusts.data_source,
        trusts.quarter,
        trusts.trust_code,
        replicates.replicate,
        unnest(range(trusts.metrics_scored)) as draw
    from trusts
    cross join replicates
),

drawn_indices as (
    select
        draws.data_source,
        draws.quarter,
        draws.trust_code,
        draws.replicate,
        -- the top 53 bits of a string hash give a uniform draw (DuckDB's multi-argument hash combines its
        -- arguments so that the low bits of successive draws are correlated, which shrinks the variance)
        cast(floor(
            (
                hash(concat_ws(
                    '|', {{ var('bootstrap_seed') }}, draws.data_source, draws.quarter, draws.trust_code,
                    draws.replicate, draws.draw
                )) >> 11
            ) / 9007199254740992.0 * trusts.metrics_scored
        ) as bigint) as score_index
    from draws
    inner join trusts
        on
            draws.data_source = trusts.data_source
            and draws.quarter = trusts.quarter
            and draws.trust_code = trusts.trust_code
),

replicate_means as (
    select
        drawn_indices.data_source,
        drawn_indices.quarter,
        drawn_indices.trust_code,
        drawn_indices.replicate,
        sum(scores.score * scores.weight) / sum(scores.weight) as average_score
    from drawn_indices
    inner join scores
        on
            drawn_indices.data_source = scores.data_source
            and drawn_indices.quarter = scores.quarter
            and drawn_indices.trust_code = scores.trust_code
            and drawn_indices.score_index = scores.score_index
    group by all
),

replicate_segments as (
    select
        replicate_means.*,
        trusts.cohort,
        {{ adjusted_segment(
            segment_from_cut_points(
                segment_average_score('replicate_means.average_score'),
                'trusts.cut_point_1', 'trusts.cut_point_2', 'trusts.cut_point_3'
            ),
            'trusts.financial_override'
        ) }} as adjusted_segment
    from replicate_means
    inner join trusts
        on
            replicate_means.data_source = trusts.data_source
            and replicate_means.quarter = trusts.quarter
            and replicate_means.trust_code = trusts.trust_code
),

replicate_ranks as (
    select
        *,
        rank() over (partition by data_source, quarter, cohort, replicate order by {{ league_order() }})
            as league_rank
    from replicate_segments
),

intervals as (
    select
        data_source,
        quarter,
        trust_code,
        quantile_cont(average_score, (1 - {{ var('bootstrap_interval') }}) / 2) as average_score_low,
        quantile_cont(average_score, (1 + {{ var('bootstrap_interval') }}) / 2) as average_score_high,
        quantile_disc(league_rank, (1 - {{ var('bootstrap_interval') }}) / 2) as league_rank_low,
        quantile_disc(league_rank, (1 + {{ var('bootstrap_interval') }}) / 2) as league_rank_high,
        count(*) as replicates
    from replicate_ranks
    group by data_source, quarter, trust_code
)

select * from intervals
