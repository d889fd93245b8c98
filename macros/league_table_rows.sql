{% macro league_table_rows(keys=[]) -%}
    {#-
        THE columns of a league table, as fct_league_table carries them (rpt_league_table publishes them), over
        the CTEs `league` (int_league__ranked rows), `trust_quarters`, `ranges` (likely ranges per data source x
        quarter x trust), `trusts` (dim_trust) and `published` (int_published_outcomes__pivoted); `keys` are further
        league columns put first (e.g. scenario). fct_league_table and rpt_league_table_provisional share it.
    -#}
    select
    {%- for key in keys %}
    league.{{ key }},
    {%- endfor %}
    league.data_source,
    league.quarter,
    league.quarter_start_date,
    league.cohort,
    trust_quarters.trust_type,
    trust_quarters.trust_subtype,
    league.trust_code,
    trust_quarters.trust_name,
    trust_quarters.region,
    trusts.icb_code,
    trusts.icb_name,
    league.average_score,
    {{ round_half_up('league.average_score') }} as average_score_rounded,
    -- [I] a likely range always contains its point estimate: with two or three scores a percentile interval
    -- of the bootstrap can miss it (two-point distributions), so the interval is widened to reach it
    least(ranges.average_score_low, league.average_score) as average_score_low,
    greatest(ranges.average_score_high, league.average_score) as average_score_high,
    league.cut_point_method,
    league.unadjusted_segment,
    league.financial_override,
    league.adjusted_segment,
    league.recovery_support,
    league.final_segment,
    cast(league.league_rank as integer) as league_rank,
    cast(least(ranges.league_rank_low, league.league_rank) as integer) as league_rank_low,
    cast(greatest(ranges.league_rank_high, league.league_rank) as integer) as league_rank_high,
    cast(league.cohort_size as integer) as cohort_size,
    cast(league.metrics_scored as integer) as metrics_scored,
    cast(league.metrics_computed as integer) as metrics_computed,
    cast(league.metrics_from_raw_returns as integer) as metrics_from_raw_returns,
    cast(league.metrics_from_inputs as integer) as metrics_from_inputs,
    cast(league.metrics_in_registry as integer) as metrics_in_registry,
    published.published_average_score,
    published.published_average_score_low,
    published.published_average_score_high,
    published.published_unadjusted_segment,
    published.published_adjusted_segment as published_segment,
    published.published_final_segment,
    cast(published.published_league_rank as integer) as published_rank,
    cast(published.published_league_rank_low as integer) as published_rank_low,
    cast(published.published_league_rank_high as integer) as published_rank_high
from league
inner join trust_quarters
    on
        league.data_source = trust_quarters.data_source
        and league.quarter = trust_quarters.quarter
        and league.trust_code = trust_quarters.trust_code
left join ranges
    on
        league.data_source = ranges.data_source
        and league.quarter = ranges.quarter
        and league.trust_code = ranges.trust_code
    {%- for key in keys %}
        and league.{{ key }} = ranges.{{ key }}
    {%- endfor %}
left join trusts
    on
        league.trust_code = trusts.trust_code
        and trust_quarters.quarter_end_date >= trusts.valid_from
        and trust_quarters.quarter_end_date <= coalesce(trusts.valid_to, date '9999-12-31')
left join published
    on league.quarter = published.quarter and league.trust_code = published.trust_code
{%- endmacro %}
