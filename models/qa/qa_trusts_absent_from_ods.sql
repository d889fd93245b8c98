-- League-table trusts with no ODS record valid at the quarter (no dim_trust version, e.g. a trust the ODS reference
-- shows as closed): they are ranked, but have no ICB and count as UNMAPPED in the ICB aggregates. The release
-- manifest (src/oversight/publish.py) lists them rather than leave them to be found.
with

league_table as (
    select * from {{ ref('rpt_league_table') }}
),

final as (
    select
        trust_code,
        {{ first_in_order('trust_name', ['quarter_start_date desc', 'data_source asc']) }} as trust_name,
        {{ ordered_string_agg('quarter', "', '", 'quarter', distinct=true) }} as quarters
    from league_table
    where icb_code is null
    group by trust_code
)

select * from final
