{% macro bootstrap_intervals(batch_filter) -%}
    {#-
        One batch of the likely-range bootstrap (methodology.md 8.4), as a query over the CTEs `trusts`,
        `trust_scores` and `replicates` of int_likely_ranges__bootstrapped: draws, replicate means, segments,
        ranks and the interval of each trust whose `batch_filter` holds. The model runs the batches one after
        another (union all), so only one batch's 10,000 replicate rows per trust are held at a time.
    -#}
    {%- set replicates = [var('bootstrap_replicates') | int, 1] | max -%}
    {%- set interval = var('bootstrap_interval') | float -%}
    {%- set fractions = [((1 - interval) / 2) | round(12), ((1 + interval) / 2) | round(12)] -%}
    {%- set ends = namespace(fractions=[], order_statistics=[], weights=[]) -%}
    {%- for fraction in fractions -%}
        {#- quantile_cont's position (n - 1) q, its two order statistics (0-based positions, each picked by the
            discrete quantile (i + 0.5) / n) and their weights, as DuckDB computes them in double precision -#}
        {%- set position = (replicates - 1) * fraction -%}
        {%- set lower = position | round(0, 'floor') -%}
        {%- set upper = position | round(0, 'ceil') -%}
        {%- do ends.fractions.append("cast('" ~ fraction ~ "' as double)") -%}
        {%- do ends.order_statistics.append("cast('" ~ (lower + 0.5) / replicates ~ "' as double)") -%}
        {%- do ends.order_statistics.append("cast('" ~ (upper + 0.5) / replicates ~ "' as double)") -%}
        {%- do ends.weights.append([
            "cast('" ~ (1 - (position - lower)) ~ "' as double)", "cast('" ~ (position - lower) ~ "' as double)"
        ]) -%}
    {%- endfor %}
    with

replicate_seeds as (
    -- a trust's replicate seed: the replicate and the trust's two keys (model CTE trusts) through quadratic
    -- rounds modulo the prime 2^31 - 1
    select
        trusts.trust_key,
        trusts.metrics_scored,
        trusts.draw_key_1,
        trusts.draw_key_2,
        trust_scores.score_list,
        trust_scores.weight_list,
        replicates.replicate,
        {{ bootstrap_square_rounds(
            '(replicates.replicate + trusts.draw_key_1) % 2147483647',
            ['trusts.draw_key_2', 'trusts.draw_key_1', 'trusts.draw_key_2']
        ) }} as replicate_seed
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

replicate_draws as (
    -- engine-independent draws (integer arithmetic only, the same integers on DuckDB and Spark): each draw adds
    -- its index times a constant to the replicate seed and takes three more quadratic rounds modulo 2^31 - 1; the
    -- result scaled to the trust's metric count (its top bits: floor(x n / 2^31), exact in double, as Spark parses no
    -- >> inside a lambda) is the drawn 1-based position. Every product stays below 2^62, so no engine overflows.
    select
        trust_key,
        replicate,
        score_list,
        weight_list,
        {{ bootstrap_list_from_range('metrics_scored', [
            '(replicate_seed + draw_state * 1327217885) % 2147483647',
            bootstrap_square_rounds('draw_state', ['draw_key_1']),
            bootstrap_square_rounds('draw_state', ['draw_key_2']),
            bootstrap_square_rounds('draw_state', ['draw_key_1']),
            '1 + cast((draw_state * metrics_scored - draw_state * metrics_scored % 2147483648) / 2147483648 as bigint)'
        ]) }} as drawn
    from replicate_seeds
),

replicate_means as (
    select
        trust_key,
        replicate,
        {{ bootstrap_sum_at('drawn', ['score_list', 'weight_list'], 'score_list') }}
        / {{ bootstrap_sum_at('drawn', ['weight_list'], 'score_list') }} as average_score
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
    -- both ends of each interval from one aggregate per measure: the ranks' discrete quantiles, and for the
    -- average the two order statistics either side of each end, interpolated below as quantile_cont does
    -- ((1 - f) x lower + f x upper at position (n - 1) q; n is var bootstrap_replicates: every replicate has a
    -- mean), so both engines give the same bits
    select
        trust_key,
        {{ bootstrap_discrete_quantiles('average_score', ends.order_statistics) }} as average_score_statistics,
        {{ bootstrap_discrete_quantiles('league_rank', ends.fractions) }} as league_rank_range,
        count(*) as replicates
    from replicate_ranks
    group by trust_key
),

intervals as (
    select
        trust_key,
        {{ ends.weights[0][0] }} * {{ bootstrap_list_element('average_score_statistics', 1) }}
        + {{ ends.weights[0][1] }} * {{ bootstrap_list_element('average_score_statistics', 2) }}
            as average_score_low,
        {{ ends.weights[1][0] }} * {{ bootstrap_list_element('average_score_statistics', 3) }}
        + {{ ends.weights[1][1] }} * {{ bootstrap_list_element('average_score_statistics', 4) }}
            as average_score_high,
        cast({{ bootstrap_list_element('league_rank_range', 1) }} as bigint) as league_rank_low,
        cast({{ bootstrap_list_element('league_rank_range', 2) }} as bigint) as league_rank_high,
        replicates
    from quantiles
)

    select * from intervals
{%- endmacro %}

{% macro bootstrap_square_rounds(expression, keys) -%}
    {#-
        `expression` (an integer in [0, 2^31 - 1)) through one quadratic round modulo the prime 2^31 - 1 per key:
        x -> (x * x + key) % 2147483647 (x * x stays below 2^62). Nested text: each round repeats its input twice.
    -#}
    {%- set ns = namespace(value=expression) -%}
    {%- for key in keys -%}
        {%- set ns.value = '((' ~ ns.value ~ ') * (' ~ ns.value ~ ') + ' ~ key ~ ') % 2147483647' -%}
    {%- endfor -%}
    {{ ns.value }}
{%- endmacro %}

{% macro bootstrap_hex_key(hex_text, first_digit) -%}
    {#-
        The eight hexadecimal digits of `hex_text` (lower case, as md5 writes them) from position `first_digit`
        (1-based) as an integer, reduced modulo 2^31 - 1: a draw key of the bootstrap. Written with instr and
        substr only, so both engines read the same integer.
    -#}
    {%- set digits = [] -%}
    {%- for digit in range(8) -%}
        {%- do digits.append(
            "cast(instr('0123456789abcdef', substr(" ~ hex_text ~ ", " ~ (first_digit + digit) ~ ", 1)) - 1 as bigint)"
            ~ " * " ~ 16 ** (7 - digit)
        ) -%}
    {%- endfor -%}
    ({{ digits | join(' + ') }}) % 2147483647
{%- endmacro %}
