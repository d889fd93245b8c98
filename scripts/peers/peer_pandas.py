"""The pandas peer of the benchmark: what an analyst would write without the warehouse.

From the raw files under DATA_DIR (as published: A&E monthly CSV, RTT full-extract ZIP, CWT provider extract
XLSX, DM01 full-extract ZIP) it computes, per provider and month, the numerator, denominator and percentage of

    ae_4_hour         A&E attendances within 4 hours (all types, booked included; the TOTAL row dropped)
    rtt_18_week       RTT incomplete pathways (Part_2, C_999, commissioner not NONC) within 18 weeks of Total All
    cancer_28_day     cancer 28-day Faster Diagnosis Standard: WITHIN STANDARD of TOTAL TREATED
    diagnostics_6_week  DM01 waiting list (TOTAL test rows) waiting under 6 weeks

and writes them as CSV (metric, org_code, month, numerator, denominator, value). The benchmark times this
script end to end (interpreter start included) and checks its values against the warehouse's.

    python scripts/peers/peer_pandas.py DATA_DIR OUT.csv
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

AE_ATTENDANCES = [
    "A&E attendances Type 1",
    "A&E attendances Type 2",
    "A&E attendances Other A&E Department",
    "A&E attendances Booked Appointments Type 1",
    "A&E attendances Booked Appointments Type 2",
    "A&E attendances Booked Appointments Other Department",
]
AE_OVER_4 = [
    "Attendances over 4hrs Type 1",
    "Attendances over 4hrs Type 2",
    "Attendances over 4hrs Other Department",
    "Attendances over 4hrs Booked Appointments Type 1",
    "Attendances over 4hrs Booked Appointments Type 2",
    "Attendances over 4hrs Booked Appointments Other Department",
]
RTT_WITHIN_18 = [f"Gt {i:02d} To {i + 1:02d} Weeks SUM 1" for i in range(18)]
DM01_6_PLUS = [
    "06 < 07 Weeks",
    "07 < 08 Weeks",
    "08 < 09 Weeks",
    "09 < 10 Weeks",
    "10 < 11 Weeks",
    "11 < 12 Weeks",
    "12 < 13 Weeks",
    "13+ Weeks",
]


def month_of(period: str) -> str:
    """'MSitAE-MARCH-2026', 'RTT-March-2026', 'DM01-MARCH-2026' -> '2026-03-01'."""
    _, name, year = period.rsplit("-", 2)
    return datetime.strptime(f"{name.title()} {year}", "%B %Y").strftime("%Y-%m-01")


def shaped(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    frame = frame.assign(metric=metric)
    frame["value"] = 100.0 * frame["numerator"] / frame["denominator"].where(frame["denominator"] != 0)
    return frame[["metric", "org_code", "month", "numerator", "denominator", "value"]]


def ae(files: list[Path]) -> pd.DataFrame:
    parts = []
    for path in files:
        df = pd.read_csv(path, usecols=["Period", "Org Code", *AE_ATTENDANCES, *AE_OVER_4])
        df = df[df["Period"].str.strip().str.upper() != "TOTAL"]
        attendances = df[AE_ATTENDANCES].sum(axis=1)
        parts.append(
            pd.DataFrame(
                {
                    "org_code": df["Org Code"],
                    "month": df["Period"].map(month_of),
                    "numerator": attendances - df[AE_OVER_4].sum(axis=1),
                    "denominator": attendances,
                }
            )
        )
    out = pd.concat(parts).groupby(["org_code", "month"], as_index=False)[["numerator", "denominator"]].sum()
    return shaped(out, "ae_4_hour")


def rtt(files: list[Path]) -> pd.DataFrame:
    columns = ["Period", "Provider Org Code", "Commissioner Org Code", "RTT Part Type", "Treatment Function Code"]
    parts = []
    for path in files:
        df = pd.read_csv(path, usecols=[*columns, *RTT_WITHIN_18, "Total All"])  # a one-member ZIP
        df = df[
            (df["RTT Part Type"] == "Part_2")
            & (df["Treatment Function Code"] == "C_999")
            & (df["Commissioner Org Code"] != "NONC")
        ]
        frame = pd.DataFrame(
            {
                "org_code": df["Provider Org Code"],
                "month": df["Period"].map(month_of),
                "numerator": df[RTT_WITHIN_18].sum(axis=1),
                "denominator": df["Total All"],
            }
        )
        parts.append(frame.groupby(["org_code", "month"], as_index=False)[["numerator", "denominator"]].sum())
    return shaped(pd.concat(parts), "rtt_18_week")


def cancer(files: list[Path]) -> pd.DataFrame:
    parts = []
    for path in files:
        df = pd.read_excel(path, engine="calamine")
        df = df[df["STANDARD"] == "28-day FDS"]
        frame = pd.DataFrame(
            {
                "org_code": df["ORG CODE"],
                "month": pd.to_datetime(df["PERIOD"]).dt.strftime("%Y-%m-01"),
                "numerator": df["WITHIN STANDARD"],
                "denominator": df["TOTAL TREATED"],
            }
        )
        parts.append(frame.groupby(["org_code", "month"], as_index=False)[["numerator", "denominator"]].sum())
    return shaped(pd.concat(parts), "cancer_28_day")


def diagnostics(files: list[Path]) -> pd.DataFrame:
    parts = []
    for path in files:
        df = pd.read_csv(path, usecols=["Period", "Provider Org Code", "Diagnostic Tests", *DM01_6_PLUS, "Total WL"])
        df = df[df["Diagnostic Tests"] == "TOTAL"]
        frame = pd.DataFrame(
            {
                "org_code": df["Provider Org Code"],
                "month": df["Period"].map(month_of),
                "numerator": df["Total WL"] - df[DM01_6_PLUS].sum(axis=1),
                "denominator": df["Total WL"],
            }
        )
        parts.append(frame.groupby(["org_code", "month"], as_index=False)[["numerator", "denominator"]].sum())
    return shaped(pd.concat(parts), "diagnostics_6_week")


def main(data_dir: Path, out: Path) -> None:
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    result = pd.concat(
        [
            ae([p for p in files if p.name.startswith("Monthly-AE-") and p.suffix == ".csv"]),
            rtt([p for p in files if p.name.startswith("Full-CSV-data-file-") and p.suffix == ".zip"]),
            cancer([p for p in files if p.name.startswith("CWT-CRS-") and "Data-Extract-Provider" in p.name]),
            diagnostics([p for p in files if p.name.startswith("DM01-") and "full-extract" in p.name]),
        ]
    )
    result.to_csv(out, index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
