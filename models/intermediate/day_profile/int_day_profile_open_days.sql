-- One row per daycare/leisure institution, whole half-year and weekday (1 = Monday ... 5 = Friday) with at
-- least one open day of that weekday: the days marts.institution_day_profile averages over. A weekday on
-- which the institution was closed all half-year has no row, so its profile has no rows either (not
-- zeros). Whole half-years only: those inside the data window (int_data_window), as for every published
-- half-year figure (docs/publication_rules.md, "Whole periods only").
with

open_days as (

    select * from {{ ref('int_daycare_open_days') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where period_type = 'half_year'

),

data_window as (

    select * from {{ ref('int_data_window') }}

),

whole_periods as (

    select
        periods.period_id,
        periods.period_start,
        periods.period_end
    from periods
    cross join data_window
    where
        periods.period_start >= data_window.window_start
        and periods.period_end <= data_window.window_end

)

select
    open_days.institution_id,
    whole_periods.period_id,
    {{ iso_day_of_week('open_days.open_date') }} as weekday,
    count(*) as open_days
from open_days
inner join whole_periods
    on open_days.open_date between whole_periods.period_start and whole_periods.period_end
group by
    open_days.institution_id,
    whole_periods.period_id,
    {{ iso_day_of_week('open_days.open_date') }}
