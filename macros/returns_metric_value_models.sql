{% macro returns_metric_value_models() -%}
    {#-
        THE list of raw-returns metric-value models (one `int_metric_values__<source>` per source, each with the
        contract columns: data_source, quarter, trust_code, metric_id, value, value_text, numerator,
        denominator, value_status, reporting_date, value_origin). `int_metric_values__returns` (the one union,
        its contract enforced) unions them for the engine (`int_metric_values__unioned`) and for the returns
        route's trust-quarters (`int_trust_quarters__enumerated`): merging another source is adding its model
        name here.
    -#}
    {{ return([
        'int_metric_values__sickness_absence',
        'int_metric_values__staff_survey',
        'int_metric_values__community_waits',
        'int_metric_values__ae',
        'int_metric_values__cancer',
        'int_metric_values__ambsys',
        'int_metric_values__rtt',
        'int_metric_values__mhsds',
        'int_metric_values__inputs',
    ]) }}
{%- endmacro %}

{% macro union_returns_metric_values(model_names, columns) -%}
    {#- One union all select of the given columns from each model in model_names. -#}
    {%- set selects = [] -%}
    {%- for model_name in model_names -%}
        {%- do selects.append('select ' ~ columns | join(', ') ~ ' from ' ~ ref(model_name)) -%}
    {%- endfor -%}
    {{ selects | join('\nunion all\n') }}
{%- endmacro %}
