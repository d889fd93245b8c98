{#- One macro owns each scoring rule that more than one model applies (methodology.md sections 4-8). -#}

{% macro round_half_up(expression, digits=2) -%}
    {#- NHS England publishes half-up 2-dp figures; the epsilon guards binary representation (2.215 -> 2.22). -#}
    {{ round_to(expression ~ ' + 1e-9', digits) }}
{%- endmacro %}

{% macro segment_from_cut_points(average_score, cut_point_1, cut_point_2, cut_point_3) -%}
    {#- [I] methodology.md 5.2: segment 1 up to and including c1, 2 up to c2, 3 up to c3, otherwise 4. -#}
    case
        when {{ average_score }} is null or {{ cut_point_1 }} is null then null
        when {{ average_score }} <= {{ cut_point_1 }} then 1
        when {{ average_score }} <= {{ cut_point_2 }} then 2
        when {{ average_score }} <= {{ cut_point_3 }} then 3
        else 4
    end
{%- endmacro %}

{% macro segment_average_score(average_score, on_rounded=none) -%}
    {#-
        The figure compared with the cut-points: 2-dp (as published) or full precision (dbt var
        segment_on_rounded_average). `on_rounded` is a column overriding the var row by row where not null (an
        engine scenario's method choice, seeds/engine_scenarios.csv).
    -#}
    {%- if on_rounded is none and var('segment_on_rounded_average') -%}
        {{ round_half_up(average_score) }}
    {%- elif on_rounded is none -%}
        {{ average_score }}
    {%- else -%}
        (case when coalesce({{ on_rounded }}, {{ var('segment_on_rounded_average') }}) then {{ round_half_up(average_score) }} else {{ average_score }} end)
    {%- endif -%}
{%- endmacro %}

{% macro adjusted_segment(unadjusted_segment, financial_override) -%}
    {#- [Q M25][D 122/122] a trust in deficit or receiving deficit support is placed no higher than segment 3. -#}
    case when {{ financial_override }} then greatest({{ unadjusted_segment }}, 3) else {{ unadjusted_segment }} end
{%- endmacro %}

{% macro final_segment(adjusted_segment, recovery_support) -%}
    {#- [D 122/122] segment 5 = Recovery Support Programme membership, whatever the adjusted segment. -#}
    case when {{ recovery_support }} then 5 else {{ adjusted_segment }} end
{%- endmacro %}

{% macro combined_finance_score(planned_score, ytd_score) -%}
    {#-
        [D 122/122 MH&C Q1-Q2, 256/256 with acute Q1 2025/26] methodology.md 4.7, refined on the acute file:
        a surplus plan (planned score 1) takes one off the YTD score (floor 1); a deficit plan adds one to it, but
        never beyond the worse of the two scores: greatest(1, least(ytd + (deficit ? 1 : -1), greatest(ytd,
        planned))). The acute cells MH&C never showed: (2,2) -> 2, (2,3) -> 3, (3,3) -> 3, (4,3) -> 4.
    -#}
    greatest(
        1,
        least(
            {{ ytd_score }} + case when {{ planned_score }} > 1 then 1 else -1 end,
            greatest({{ ytd_score }}, {{ planned_score }})
        )
    )
{%- endmacro %}

{% macro league_order() -%}
    {#- [D 122/122] methodology.md 8.3: adjusted segment, then the 2-dp average metric score. -#}
    adjusted_segment, {{ round_half_up('average_score') }}
{%- endmacro %}

{% macro normal_quantile(probability) -%}
    {#-
        The standard normal quantile of a probability in (0.5, 1) (Abramowitz and Stegun 26.2.23, error below
        4.5e-4): 0.975 -> 1.960. Used to turn a standard deviation into the central interval var
        bootstrap_interval names.
    -#}
    (
        sqrt(-2 * ln(1 - {{ probability }}))
        - (2.515517 + 0.802853 * sqrt(-2 * ln(1 - {{ probability }})) + 0.010328 * (-2 * ln(1 - {{ probability }})))
        / (
            1 + 1.432788 * sqrt(-2 * ln(1 - {{ probability }})) + 0.189269 * (-2 * ln(1 - {{ probability }}))
            + 0.001308 * power(-2 * ln(1 - {{ probability }}), 1.5)
        )
    )
{%- endmacro %}
