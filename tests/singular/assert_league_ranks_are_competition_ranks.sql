-- League ranks per cohort and quarter start at 1 and are competition ranks: a trust's rank is one more than the
-- number of trusts strictly ahead of it on (adjusted segment, 2-dp average score).
with

league as (
    select * from {{ ref('rpt_league_table') }}
),

expected as (
    select
        this_trust.data_source,
        this_trust.quarter,
        this_trust.trust_code,
        this_trust.league_rank,
        1 + count(ahead.trust_code) as expected_rank
    from league as this_trust
    left join league as ahead
        on
            this_trust.data_source = ahead.data_source
            and this_trust.quarter = ahead.quarter
            and this_trust.cohort = ahead.cohort
            and (
                this_trust.adjusted_segment > ahead.adjusted_segment
                or (
                    this_trust.adjusted_segment = ahead.adjusted_segment
                    and this_trust.average_score_rounded > ahead.average_score_rounded
                )
            )
    group by this_trust.data_source, this_trust.quarter, this_trust.trust_code, this_trust.league_rank
)

select * from expected
where league_rank <> expected_rank
