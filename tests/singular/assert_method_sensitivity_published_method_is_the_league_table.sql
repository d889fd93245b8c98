-- Issue 13.3: the published-method variant of rpt_method_sensitivity is rpt_league_table (same engine, same
-- scenario), trust by trust: same final segment, league rank, table coverage and status (issue 12.2), and on the
-- NHS England route the same adjusted segment as NHS England publishes (reconciled 100% in rpt_reconciliation; not
-- checked when the reconciliation gate is waived for an alternative method). Every other variant covers the same
-- trust-quarters. Returns the rows that break this.
with

sensitivity as (
    select * from {{ ref('rpt_method_sensitivity') }}
),

league as (
    select * from {{ ref('rpt_league_table') }}
),

published_method as (
    select * from sensitivity
    where variant = 'final'
),

mismatched as (
    select
        coalesce(published_method.data_source, league.data_source) as data_source,
        coalesce(published_method.quarter, league.quarter) as quarter,
        coalesce(published_method.trust_code, league.trust_code) as trust_code,
        'published method differs from rpt_league_table' as problem
    from published_method
    full outer join league
        on
            published_method.data_source = league.data_source
            and published_method.quarter = league.quarter
            and published_method.trust_code = league.trust_code
    where
        published_method.trust_code is null
        or league.trust_code is null
        or published_method.final_segment <> league.final_segment
        -- ranks withheld alike from an incomplete table (issue 12.2)
        or published_method.league_rank is distinct from league.league_rank
        or published_method.published_method_rank is distinct from league.league_rank
        or published_method.table_status is distinct from league.table_status
        or published_method.published_method_table_status is distinct from league.table_status
        or published_method.table_metric_coverage is distinct from league.table_metric_coverage
        {% if var('reconciliation_gate', true) -%}
            -- the reconciliation gate's part (waived for an alternative method: var reconciliation_gate false)
            or published_method.adjusted_segment is distinct from published_method.nhse_published_segment
            and published_method.data_source = 'nhse_nof'
        {%- endif %}
),

variant_counts as (
    select
        data_source,
        quarter,
        trust_code,
        'not every variant covers the trust-quarter' as problem
    from sensitivity
    group by data_source, quarter, trust_code
    having count(*) <> (select count(distinct sensitivity_variants.variant) from sensitivity as sensitivity_variants)
)

select * from mismatched
union all
select * from variant_counts
