{% macro registry_metric_id(measure_expression, registry='registry') -%}
    {#-
        The metric id the registry (seed metric_registry, filtered to the methodology year in the model's
        `registry` CTE) gives the raw-returns measure `measure_expression` (column returns_measure; a SQL
        expression, e.g. "'ae_within_4_hours'"): the one place a returns model learns which metric it computes,
        so adding or renumbering a metric is a registry change, never an edit of an intermediate model. Null when
        the registry has no metric for the measure.
    -#}
    (
        select {{ registry }}.metric_id from {{ registry }}
        where {{ registry }}.returns_measure = {{ measure_expression }}
    )
{%- endmacro %}
