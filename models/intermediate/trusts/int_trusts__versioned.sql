-- Trust reference versions (SCD type 2): a new version starts whenever a later ODS snapshot moves the trust
-- to another ICB, so an ICB reorganisation never rewrites the history of earlier quarters.
with

etr as (
    select * from {{ ref('stg_ods__trusts') }}
),

supplement as (
    -- organisations that etr.csv does not carry (care trusts), one undated version each
    select * from {{ ref('trust_reference_supplement') }}
    where trust_code not in (select etr.trust_code from etr)
),

snapshots as (
    select
        *,
        lag(icb_code) over (partition by trust_code order by snapshot_date) as previous_icb_code,
        row_number() over (partition by trust_code order by snapshot_date) as snapshot_number
    from etr
),

changes as (
    select
        trust_code,
        trust_name_upper,
        icb_code,
        region_code,
        open_date,
        close_date,
        case
            when snapshot_number = 1 then coalesce(open_date, date '1948-07-05')
            else snapshot_date
        end as valid_from
    from snapshots
    where snapshot_number = 1 or icb_code is distinct from previous_icb_code
),

unioned as (
    select
        trust_code,
        trust_name_upper,
        icb_code,
        region_code,
        open_date,
        close_date,
        valid_from,
        'ODS etr.csv' as source
    from changes
    union all
    select
        trust_code,
        trust_name_upper,
        icb_code,
        region_code,
        cast(open_date as date) as open_date,
        cast(close_date as date) as close_date,
        coalesce(cast(open_date as date), date '1948-07-05') as valid_from,
        source
    from supplement
),

versions as (
    select
        *,
        coalesce(
            cast(lead(valid_from) over (partition by trust_code order by valid_from) - interval 1 day as date),
            close_date
        ) as valid_to
    from unioned
)

select * from versions
