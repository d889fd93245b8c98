"""Rebuild the catalogues the synthetic generator draws from (``src/oversight_dev/synthetic_catalogue/*.csv``).

A developer tool, run by hand when the real reference files change; the generator itself only reads the committed
catalogues. From the team's real files (raw_formats.md §11, default ``../shared/data/real``) it keeps the
*structure* of each publication (code lists, measure and dimension lists, breakdown levels) and only coarse
distribution parameters (national shares rounded to three significant figures, typical sizes), never rows:

* ``sub_icb_locations.csv``: sub-ICB location -> ICB (the DM01 full extract's commissioner list);
* ``csds_measures.csv``: every CSDS core dimension x count x measure combination with its national value relative
  to all referrals and its age split; ``csds_local_authorities.csv``: the upper-tier local authorities;
* ``mhsds_measures.csv`` / ``mhsds_levels.csv``: MHSDS measures per file (main, out-of-area placements, 4-week
  waits) with breakdown, period length and a typical provider value; the secondary levels of each breakdown;
* ``ambsys_indicators.csv``: each AmbSYS indicator as a rate per call, a level (means, centiles) or '.';
* ``chs_services.csv``: each community waiting-list service line with the share of providers submitting it, the
  mean list of a submitting provider and the shares waiting >52-104 and >104 weeks.

Usage: ``python scripts/build_synthetic_catalogue.py [--real DIR] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]


def sig(value: float, digits: int = 3) -> float:
    """Round to ``digits`` significant figures (catalogues keep shapes, not published numbers)."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def write(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows")


def period_of(start: str, end: str) -> str:
    _, m1, y1 = (int(x) for x in start.split("/"))
    _, m2, y2 = (int(x) for x in end.split("/"))
    months = (y2 - y1) * 12 + m2 - m1 + 1
    return {1: "month", 3: "quarter", 12: "year"}[months]


def kind_of(measure_id: str, name: str) -> str:
    text = name.lower()
    if measure_id.upper() in ("MHS95H",) or "percentage change" in text:
        return "change"
    if "proportion" in text or "percentage" in text or text.startswith("rate"):
        return "proportion"
    if "percentile" in text:
        return "percentile"
    if "median" in text:
        return "median"
    if "average" in text or "mean" in text:
        return "mean"
    return "count"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "oversight_dev" / "synthetic_catalogue")
    args = parser.parse_args()
    real: Path = args.real
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    dm01_and_csds(real, out)
    measures, levels = read_mhsds(real)
    write_mhsds(measures, levels, out)
    ambsys(real, out)
    chs(real, out)


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The single value a query returns."""
    row = con.execute(sql).fetchone()
    if row is None:
        raise ValueError(f"no row: {sql}")
    return row[0]


def dm01_and_csds(real: Path, out: Path) -> None:
    """``sub_icb_locations.csv`` (DM01), ``csds_measures.csv`` and ``csds_local_authorities.csv`` (CSDS)."""
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(real / "diagnostics_dm01" / "DM01-MARCH-2026-full-extract_32W3L.zip") as archive:
            dm01 = archive.extract(archive.namelist()[0], tmp)
        rows = con.execute(
            f"""SELECT DISTINCT "Commissioner Org Code", "Commissioner Parent Org Code"
            FROM read_csv('{dm01}', all_varchar = true)
            WHERE "Commissioner Parent Org Code" IS NOT NULL ORDER BY 2, 1"""
        ).fetchall()
        write(out / "sub_icb_locations.csv", ["sub_icb_code", "icb_code"], rows)

        with zipfile.ZipFile(real / "community_csds" / "csds_march-2026_csds_data.zip") as archive:
            member = next(n for n in archive.namelist() if n.endswith(".csv"))
            csds = archive.extract(member, tmp)
        con.execute(f"CREATE VIEW csds AS SELECT * FROM read_csv('{csds}', all_varchar = true)")
        referrals = scalar(
            con, "SELECT measure_value::DOUBLE FROM csds WHERE org_code = 'ALL' AND dimension = 'TotalReferrals'"
        )
        rows = []
        for r in con.execute(
            """SELECT dimension, count_of, coalesce(measure, ''), coalesce(measure_desc, ''), coalesce(measure_2, ''),
                coalesce(measure_2_desc, ''), measure_value::DOUBLE, measure_value_0_18::DOUBLE,
                measure_value_19_64::DOUBLE, measure_value_65_plus::DOUBLE
            FROM csds WHERE org_code = 'ALL' ORDER BY 1, 2, 3, 5"""
        ).fetchall():
            value, a, b, c = r[6], r[7], r[8], r[9]
            parts = (a or 0) + (b or 0) + (c or 0)
            shares = [sig((x or 0) / parts, 2) if parts else 0.0 for x in (a, b, c)]
            rows.append((*r[:6], sig(value / referrals), *shares))
        write(
            out / "csds_measures.csv",
            [
                "dimension",
                "count_of",
                "measure",
                "measure_desc",
                "measure_2",
                "measure_2_desc",
                "per_referral",
                "share_0_18",
                "share_19_64",
                "share_65_plus",
            ],
            rows,
        )
        rows = con.execute(
            "SELECT DISTINCT org_code, org_name FROM csds WHERE org_level LIKE 'Local Authority%' ORDER BY 1"
        ).fetchall()
        write(out / "csds_local_authorities.csv", ["org_code", "org_name"], rows)


@dataclass
class MeasureValues:
    """One MHSDS measure of one file, breakdown and period: its name, provider values and England value."""

    name: str
    values: list[float] = field(default_factory=list)
    england: float | None = None


def read_mhsds(real: Path) -> tuple[dict[tuple[str, str, str, str], MeasureValues], set[tuple[str, str, str]]]:
    """The MHSDS measures by (file kind, measure, breakdown, period), and the secondary levels of each breakdown."""
    mh = real / "mental_health_mhsds"
    measures: dict[tuple[str, str, str, str], MeasureValues] = {}
    levels: set[tuple[str, str, str]] = set()
    sources = (
        ("main", "MHSDS Data_AprPerf_2026__RDY_only.csv", ("Provider", "Sub ICB", "Provider of Responsibility")),
        ("oaps_acute", "MHSDS Data_OAPs_acute_AprPerf_2026__RDY_only.csv", ("Sending Provider",)),
        ("oaps_non_acute", "MHSDS Data_OAPs_non_acute_AprPerf_2026__RDY_only.csv", ("Sending Provider",)),
        ("4ww", "MHSDS Data_4WW_SepPerf_2024.csv", ("Provider", "England")),
    )
    for kind, name, prefixes in sources:
        with (mh / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                breakdown = row["BREAKDOWN"]
                if not breakdown.startswith(prefixes):
                    continue
                if ";" in breakdown and not re.search(r"Provider$|Provider of Responsibility$", breakdown):
                    levels.add((breakdown, row["SECONDARY_LEVEL"], row["SECONDARY_LEVEL_DESCRIPTION"]))
                period = period_of(row["REPORTING_PERIOD_START"], row["REPORTING_PERIOD_END"])
                key = (kind, row["MEASURE_ID"], breakdown if kind != "4ww" else "Provider", period)
                entry = measures.setdefault(key, MeasureValues(row["MEASURE_NAME"]))
                value = row["MEASURE_VALUE"].replace(",", "")
                if re.fullmatch(r"-?\d+(\.\d+)?", value):
                    if kind == "4ww" and breakdown == "England":
                        entry.england = float(value)
                    elif kind != "4ww" or breakdown == "Provider":
                        entry.values.append(float(value))
    return measures, levels


def write_mhsds(
    measures: dict[tuple[str, str, str, str], MeasureValues], levels: set[tuple[str, str, str]], out: Path
) -> None:
    """``mhsds_measures.csv`` (a typical provider value per measure) and ``mhsds_levels.csv``."""
    rows = []
    for (kind, measure_id, breakdown, period), entry in sorted(measures.items()):
        measure_name, values, england = entry.name, entry.values, entry.england
        value_kind = kind_of(measure_id, measure_name)
        if kind == "4ww" and england is not None:
            typical = england / (140 if value_kind == "count" else 1)
        elif values:
            ordered = sorted(values)
            typical = ordered[len(ordered) // 2] * (0.7 if value_kind == "count" else 1.0)
        else:
            typical = {"count": 40.0, "proportion": 60.0, "change": 5.0}.get(value_kind, 30.0)
        rows.append((kind, measure_id, measure_name, period, breakdown, value_kind, sig(max(typical, 0.0), 2)))
    write(
        out / "mhsds_measures.csv",
        ["file_kind", "measure_id", "measure_name", "period", "breakdown", "kind", "typical"],
        rows,
    )
    write(
        out / "mhsds_levels.csv",
        ["breakdown", "secondary_level", "secondary_level_description"],
        sorted(levels),
    )


def ambsys(real: Path, out: Path) -> None:
    """``ambsys_indicators.csv``: each indicator as a rate per call, a level or '.' (from England and the Isle of
    Wight)."""
    with (real / "ambulance_ambsys" / "AmbSYS-to-Apr-2026__excerpt.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, england, wight = table[0], table[1], table[2]
    rows: list[tuple[str, str, float]] = []
    for i, code in enumerate(header[5:], start=5):
        eng, iow = england[i], wight[i]
        if eng == "." or iow == ".":
            rows.append((code, "dot", 0))
            continue
        e, w = float(eng), float(iow)
        if e > 0 and w / e < 0.05:
            rows.append((code, "rate", sig(e / float(england[5]), 3)))  # per A0 (calls)
        else:
            rows.append((code, "level", sig((e + w) / 2, 3)))
    write(out / "ambsys_indicators.csv", ["code", "kind", "value"], rows)


def chs(real: Path, out: Path) -> None:
    """``chs_services.csv``: each community waiting-list service line's submitting share, mean list and long waits."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(
        str(real / "community_chs_waiting_lists" / "Community-health-services-waiting-lists-2025-26-June.xlsx")
    )
    tables = {
        name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in ("Table 4", "Table 4g", "Table 4h")
    }
    header = [str(h) for h in tables["Table 4"][4]]
    providers = [i for i, r in enumerate(tables["Table 4"]) if r[0] == "Provider"]
    national = next(i for i, r in enumerate(tables["Table 4"]) if r[0] == "National")
    rows = []
    for col in range(3, len(header)):
        if not header[col]:
            continue
        cells = [tables["Table 4"][i][col] for i in providers]
        submitted = [float(c) for c in cells if isinstance(c, int | float)]
        total = sum(submitted)
        over = [
            sum(float(c) for i in providers if isinstance(c := tables[t][i][col], int | float))
            for t in ("Table 4g", "Table 4h")
        ]
        national_cell = tables["Table 4"][national][col]
        if not submitted and isinstance(national_cell, int | float):
            national_only, mean = True, float(national_cell)
        else:
            national_only, mean = False, (total / len(submitted) if submitted else 0.0)
        rows.append(
            (
                header[col],
                sig(len(submitted) / len(providers), 2),
                sig(mean, 2),
                sig(over[0] / total, 2) if total else 0.0,
                sig(over[1] / total, 2) if total else 0.0,
                int(national_only),
            )
        )
    write(
        out / "chs_services.csv",
        ["service", "provider_share", "mean_list", "share_52_104", "share_over_104", "national_only"],
        rows,
    )


if __name__ == "__main__":
    main()
