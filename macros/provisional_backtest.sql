{% macro provisional_backtest_summary(relation, group_columns) -%}
{#- The provisional back-test's figures over the pairs of int_provisional_backtest__paired, grouped by group_columns
    (a list of column names): trusts compared, segment agreement, rank and score revisions, and the calibration of
    the likely ranges. One owner for the per-quarter (rpt_provisional_backtest) and pooled
    (rpt_provisional_backtest_pooled) summaries. -#}
    select
    {%- for column in group_columns %}
        {{ column }},
    {%- endfor %}
        cast(count(*) as integer) as trusts_compared,
        avg(cast(is_segment_equal as double)) as share_segment_equal,
        avg(abs_rank_change) as mean_abs_rank_change,
        avg(cast(is_rank_in_range as double)) as share_rank_in_likely_range,
        avg(cast(is_rank_in_bootstrap_range as double)) as share_rank_in_bootstrap_range,
        {{ ordered_avg('abs_score_change') }} as mean_abs_score_change,
        avg(cast(abs_score_change <= 0.1 + 1e-9 as double)) as share_score_within_0_1,
        avg(cast(is_score_in_range as double)) as share_score_in_likely_range,
        {{ ordered_avg('abs_value_change') }} as mean_abs_value_change
    from {{ relation }}
    group by {{ group_columns | join(', ') }}
{%- endmacro %}
