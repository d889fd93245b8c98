"""The polars peer of the benchmark: the same metrics as ``peer_pandas.py`` (see there), written with polars.

The CWT extract is an XLSX: read with python-calamine (polars' own ``read_excel`` would need fastexcel).

    python scripts/peers/peer_polars.py DATA_DIR OUT.csv
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import polars as pl
from python_calamine import CalamineWorkbook

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
KEY = ["org_code", "month"]


def month_of(period: pl.Expr) -> pl.Expr:
    """'MSitAE-MARCH-2026', 'RTT-March-2026', 'DM01-MARCH-2026' -> '2026-03-01'."""
    parts = period.str.split("-")
    text = parts.list.get(-2).str.to_titlecase() + " " + parts.list.get(-1)
    return text.str.strptime(pl.Date, "%B %Y").dt.strftime("%Y-%m-01")


def total(columns: list[str]) -> pl.Expr:
    return pl.sum_horizontal(pl.col(c).cast(pl.Int64) for c in columns)


def zipped_csv(path: Path, columns: list[str]) -> pl.DataFrame:
    with zipfile.ZipFile(path) as archive:
        data = archive.read(archive.namelist()[0])
    return pl.read_csv(data, columns=columns, infer_schema_length=0)  # as text; cast where summed


def shaped(frame: pl.DataFrame, metric: str) -> pl.DataFrame:
    grouped = frame.group_by(KEY).agg(pl.col("numerator").sum(), pl.col("denominator").sum())
    value = pl.when(pl.col("denominator") != 0).then(100.0 * pl.col("numerator") / pl.col("denominator"))
    return grouped.select(
        pl.lit(metric).alias("metric"),
        *KEY,
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
        value.alias("value"),
    )


def ae(files: list[Path]) -> pl.DataFrame:
    frames = [
        pl.read_csv(p, columns=["Period", "Org Code", *AE_ATTENDANCES, *AE_OVER_4], infer_schema_length=0)
        for p in files
    ]
    df = pl.concat(frames).filter(pl.col("Period").str.strip_chars().str.to_uppercase() != "TOTAL")
    return shaped(
        df.select(
            pl.col("Org Code").alias("org_code"),
            month_of(pl.col("Period")).alias("month"),
            (total(AE_ATTENDANCES) - total(AE_OVER_4)).alias("numerator"),
            total(AE_ATTENDANCES).alias("denominator"),
        ),
        "ae_4_hour",
    )


def rtt(files: list[Path]) -> pl.DataFrame:
    columns = ["Period", "Provider Org Code", "Commissioner Org Code", "RTT Part Type", "Treatment Function Code"]
    parts = []
    for path in files:
        df = zipped_csv(path, [*columns, *RTT_WITHIN_18, "Total All"]).filter(
            (pl.col("RTT Part Type") == "Part_2")
            & (pl.col("Treatment Function Code") == "C_999")
            & (pl.col("Commissioner Org Code") != "NONC")
        )
        parts.append(
            df.select(
                pl.col("Provider Org Code").alias("org_code"),
                month_of(pl.col("Period")).alias("month"),
                total(RTT_WITHIN_18).alias("numerator"),
                pl.col("Total All").cast(pl.Int64).alias("denominator"),
            )
        )
    return shaped(pl.concat(parts), "rtt_18_week")


def cancer(files: list[Path]) -> pl.DataFrame:
    parts = []
    for path in files:
        workbook = CalamineWorkbook.from_path(str(path))
        header, *rows = workbook.get_sheet_by_index(0).to_python()
        df = pl.DataFrame(rows, schema=[str(h) for h in header], orient="row", infer_schema_length=None)
        df = df.filter(pl.col("STANDARD") == "28-day FDS")
        parts.append(
            df.select(
                pl.col("ORG CODE").alias("org_code"),
                pl.col("PERIOD").cast(pl.Date).dt.strftime("%Y-%m-01").alias("month"),
                pl.col("WITHIN STANDARD").cast(pl.Float64).alias("numerator"),
                pl.col("TOTAL TREATED").cast(pl.Float64).alias("denominator"),
            )
        )
    return shaped(pl.concat(parts), "cancer_28_day")


def diagnostics(files: list[Path]) -> pl.DataFrame:
    parts = []
    for path in files:
        columns = ["Period", "Provider Org Code", "Diagnostic Tests", *DM01_6_PLUS, "Total WL"]
        df = zipped_csv(path, columns).filter(pl.col("Diagnostic Tests") == "TOTAL")
        parts.append(
            df.select(
                pl.col("Provider Org Code").alias("org_code"),
                month_of(pl.col("Period")).alias("month"),
                (pl.col("Total WL").cast(pl.Int64) - total(DM01_6_PLUS)).alias("numerator"),
                pl.col("Total WL").cast(pl.Int64).alias("denominator"),
            )
        )
    return shaped(pl.concat(parts), "diagnostics_6_week")


def main(data_dir: Path, out: Path) -> None:
    files = sorted(p for p in data_dir.rglob("*") if p.is_file())
    result = pl.concat(
        [
            ae([p for p in files if p.name.startswith("Monthly-AE-") and p.suffix == ".csv"]),
            rtt([p for p in files if p.name.startswith("Full-CSV-data-file-") and p.suffix == ".zip"]),
            cancer([p for p in files if p.name.startswith("CWT-CRS-") and "Data-Extract-Provider" in p.name]),
            diagnostics([p for p in files if p.name.startswith("DM01-") and "full-extract" in p.name]),
        ]
    )
    result.write_csv(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
