"""Rebuild seeds/trust_cohorts.csv: the NOF 2025/26 cohort of every English NHS trust the league tables rank.

Evidence, strongest first (each row lists every source that places the trust):

1. ``nof``: the trust is in a published NOF data file (its Trust_type); today the MH&C file (61 trusts).
2. ``q3_derived``: Trust_type in the Q3 2025/26 derived NOF inputs file (150 trusts; team's shared data).
3. ``sickness``: ORG_TYPE in the NHS Sickness Absence Rates CSV, March 2025 (Acute 134, Ambulance 10; Mental
   Health and Community Provider Trust only where a NOF file lists the trust, since 19 community providers
   are social enterprises or other bodies the NOF does not rank).

Usage: ``python scripts/build_trust_cohort_seed.py <landing_dir> <q3 derived csv>`` (writes the seed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SEED = Path(__file__).resolve().parents[1] / "seeds" / "trust_cohorts.csv"


def main(landing_dir: str, q3_file: str) -> None:
    con = duckdb.connect()
    con.execute(
        f"""
        create table nof as
        select distinct trust_code, trust_type from '{landing_dir}/nhse_nof_data/*.parquet';
        create table sick as
        select org_code, org_name, org_type from '{landing_dir}/nhs_sickness_absence/*.parquet'
        where month_end_date = '2025-03-31';
        create table q3 as select org_code, "Trust_type" as trust_type from read_csv('{q3_file}');
        create table cohort_of as select * from (values
            ('Acute trust', 'acute'), ('Mental health and community trust', 'mental_health_community'),
            ('Ambulance trust', 'ambulance'), ('Acute', 'acute'), ('Ambulance', 'ambulance')
        ) t(label, cohort);
        """
    )
    rows = con.execute(
        """
        with candidates as (
            select trust_code, 'nof' as source, trust_type as label from nof
            union all select org_code, 'q3_derived', trust_type from q3
            union all select org_code, 'sickness', org_type from sick
            where org_type in ('Acute', 'Ambulance') or org_code in (select trust_code from nof)
        ),
        placed as (
            select candidates.trust_code, candidates.source, candidates.label, cohort_of.cohort
            from candidates left join cohort_of on candidates.label = cohort_of.label
        )
        select
            placed.trust_code,
            any_value(sick.org_name) as trust_name,
            coalesce(
                any_value(cohort) filter (where source = 'nof'),
                any_value(cohort) filter (where source = 'q3_derived'),
                any_value(cohort) filter (where source = 'sickness')
            ) as cohort,
            '2025-04-01' as valid_from,
            string_agg(source || '=' || label, '; ' order by source) as evidence,
            count(distinct cohort) filter (where cohort is not null) as n_cohorts
        from placed left join sick on placed.trust_code = sick.org_code
        group by placed.trust_code
        order by cohort, placed.trust_code
        """
    ).fetchall()
    conflicts = [r for r in rows if r[5] > 1]
    if conflicts:
        raise SystemExit(f"sources disagree on the cohort of {conflicts}")
    with SEED.open("w", encoding="utf-8", newline="\n") as out:
        out.write("trust_code,trust_name,cohort,valid_from,valid_to,evidence\n")
        for code, name, cohort, valid_from, evidence, _ in rows:
            name = (name or "").replace('"', "")
            out.write(f'{code},"{name}",{cohort},{valid_from},,"{evidence}"\n')
    print(f"{SEED}: {len(rows)} trusts")


if __name__ == "__main__":
    main(*sys.argv[1:3])
