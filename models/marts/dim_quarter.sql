-- NOF quarters (NHS financial-year quarters: Q1 April-June ... Q4 January-March), one row each, from the first
-- quarter any input covers to the last (int_trust_quarters__enumerated, both data sources, provisional quarters
-- included), with no gap: the quarter every mart can join to for its dates, financial year and order.
with

trust_quarters as (
    select * from {{ ref('int_trust_quarters__enumerated') }}
),

bounds as (
    select
        min(quarter_start_date) as first_start,
        max(quarter_start_date) as last_start
    from trust_quarters
),

spine_timestamps as (
    select
        {{ unnest_series('cast(first_start as timestamp)', 'cast(last_start as timestamp)', 'interval 3 month') }}
            as quarter_start
    from bounds
),

spine as (
    select cast(quarter_start as date) as quarter_start_date
    from spine_timestamps
),

derived as (
    select
        {{ nof_quarter_label('quarter_start_date') }} as quarter,
        quarter_start_date,
        cast(quarter_start_date + interval 3 month - interval 1 day as date) as quarter_end_date,
        year(quarter_start_date) - case when month(quarter_start_date) < 4 then 1 else 0 end as financial_year_start,
        {{ integer_divide('(month(quarter_start_date) + 8) % 12', '3') }} + 1 as quarter_of_year
    from spine
),

final as (
    select
        quarter,
        quarter_start_date,
        quarter_end_date,
        substr(quarter, 4) as financial_year,
        cast(financial_year_start as integer) as financial_year_start,
        cast(quarter_of_year as integer) as quarter_of_year,
        cast(financial_year_start * 10 + quarter_of_year as integer) as quarter_sort_key
    from derived
)

select * from final
