{% macro returns_metric_value_models() -%}
    {#-
        THE list of raw-returns metric-value models (one `int_metric_values__<source>` per source, each with the
        contract columns: data_source, quarter, trust_code, metric_id, value, value_text, numerator,
        denominator, value_status, reporting_date, value_origin). `int_metric_values__unioned` unions them into
        the engine and `int_trust_quarters__enumerated` takes the returns route's trust-quarters from them:
        merging another source is adding its model name here.
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
