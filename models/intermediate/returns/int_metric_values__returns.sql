-- The one union of the raw-returns metric-value models (macro returns_metric_value_models): every metric value the
-- returns route computes, per quarter x trust x metric, in the engine's input contract (enforced in yml).
-- int_metric_values__unioned feeds it to the engine; int_trust_quarters__enumerated takes the route's
-- trust-quarters from it. Merging another source is adding its model name to the macro.
with

final as (
    {{- union_returns_metric_values(returns_metric_value_models(), [
        'data_source', 'quarter', 'trust_code', 'metric_id', 'value', 'value_text', 'numerator', 'denominator',
        'value_status', 'reporting_date', 'value_origin'
    ]) | indent(4) }}
)

select * from final
