{% macro bootstrap_intervals(batch_filter) -%}
    {#-
        One batch of the likely-range bootstrap (methodology.md 8.4), as a query over the CTEs `trusts`,
        `trust_scores` and `replicates` of int_likely_ranges__bootstrapped: draws, replicate means, segments,
        ranks and the interval of each trust whose `batch_filter` holds. The model runs the batches one after
        another (union all), so only one batch's 10,000 replicate rows per trust are held at a time.
    -#}
    with

replicate_draws as (
    select
        trusts.trust_key,
        replicates.replicate,
        trust_scores.score_list,
        trust_scores.weight_list,
        -- the top 53 bits of a string hash give a uniform draw (DuckDB's multi-argument hash combines its
        -- arguments so that the low bits of successive draws are correlated, which shrinks the variance)
        [
            1 + cast(floor(
                (
                    hash(concat_ws(
                        '|', {{ var('bootstrap_seed') }}, trusts.data_source, trusts.quarter, trusts.trust_code,
                        replicates.replicate, draw  -- noqa: RF02
                    )) >> 11
                ) / 9007199254740992.0 * trusts.metrics_scored
            ) as bigint)
            for draw in range(trusts.metrics_scored)
        ] as drawn
    from trusts
    inner join trust_scores
        on
            trusts.scenario = trust_scores.scenario
            and trusts.data_source = trust_scores.data_source
            and trusts.quarter = trust_scores.quarter
            and trusts.trust_code = trust_scores.trust_code
    cross join replicates
    where {{ batch_filter }}
),

replicate_means as (
    select
        trust_key,
        replicate,
        list_sum([score_list[i] * weight_list[i] for i in drawn])
        / list_sum([weight_list[i] for i in drawn if score_list[i] is not null]) as average_score
    from replicate_draws
),

replicate_segments as (
    select
        replicate_means.*,
        trusts.ranking_key,
        {{ adjusted_segment(
            segment_from_cut_points(
                segment_average_score('replicate_means.average_score'),
                'trusts.cut_point_1', 'trusts.cut_point_2', 'trusts.cut_point_3'
            ),
            'trusts.financial_override'
        ) }} as adjusted_segment
    from replicate_means
    inner join trusts on replicate_means.trust_key = trusts.trust_key
),

replicate_ranks as (
    select
        *,
        rank() over (partition by ranking_key, replicate order by {{ league_order() }}) as league_rank
    from replicate_segments
),

quantiles as (
    -- one quantile aggregate per measure computes both ends of the interval (two would each sort the values)
    select
        trust_key,
        quantile_cont(
            average_score, [(1 - {{ var('bootstrap_interval') }}) / 2, (1 + {{ var('bootstrap_interval') }}) / 2]
        ) as average_score_range,
        quantile_disc(
            league_rank, [(1 - {{ var('bootstrap_interval') }}) / 2, (1 + {{ var('bootstrap_interval') }}) / 2]
        ) as league_rank_range,
        count(*) as replicates
    from replicate_ranks
    group by trust_key
),

intervals as (
    select
        trust_key,
        average_score_range[1] as average_score_low,
        average_score_range[2] as average_score_high,
        league_rank_range[1] as league_rank_low,
        league_rank_range[2] as league_rank_high,
        replicates
    from quantiles
)

    select * from intervals
{%- endmacro %}
