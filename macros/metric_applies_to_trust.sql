{% macro metric_applies_to_trust(metric_id, trust_code, cohort, quarter_start_date, registry_cohorts) -%}
    {#-
        Whether a raw-returns value counts for a trust at a quarter: the trust's cohort is one the registry lists
        for the metric (registry column cohorts) and the metric_trust_exclusions seed does not exclude it at the
        quarter (NHS England's own exclusions). Needs `exclusions` (ref metric_trust_exclusions) in the query.
    -#}
    (
        array_contains({{ split_list(registry_cohorts, '|') }}, {{ cohort }})
        and not exists (
            select 1 from exclusions
            where
                exclusions.metric_id = {{ metric_id }}
                and exclusions.trust_code = {{ trust_code }}
                and {{ quarter_start_date }} >= exclusions.valid_from
                and (exclusions.valid_to is null or {{ quarter_start_date }} <= exclusions.valid_to)
        )
    )
{%- endmacro %}
