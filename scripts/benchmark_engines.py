"""The same models on DuckDB and on a local Apache Spark, timed side by side (issue 16; not a test): land a data
set once, build it with ``dbt seed`` + ``dbt run`` on each engine, print both times (and the bootstrap's) and how
many marts and NHS England-layout tables agree across the engines, and write the figures as JSON.

    .venv/bin/python scripts/benchmark_engines.py --months 12              # the benchmark's 12-month data set
    .venv/bin/python scripts/benchmark_engines.py --data-dir data          # the embedded real files

Needs the Spark packages and Java (``make test-spark`` installs both). See README "Outgrowing one machine" and
oversight_dev.engines.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from oversight_dev.engines import time_engines
from oversight_dev.synthetic import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--months", type=int, help="generate this many months of synthetic returns (benchmark set)")
    source.add_argument("--data-dir", type=Path, help="an input folder instead (e.g. data/)")
    parser.add_argument("--scale", type=float, default=1.0, help="row-count scale of generated data")
    parser.add_argument("--end-month", default="2026-03", help="last month generated, YYYY-MM")
    parser.add_argument("--landing-dir", type=Path, help="reuse this landing of the data instead of landing it")
    parser.add_argument("--work-dir", type=Path, default=Path("warehouse/benchmark-engines"), help="emptied, then used")
    parser.add_argument("--json", type=Path, default=Path("benchmark-results"), help="folder for the JSON figures")
    parser.add_argument("--keep", action="store_true", help="keep the warehouses")
    parser.add_argument("--label", help="name of the JSON file (default engines-<months>m-scale<scale> or -<folder>)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    generated_dir = None
    if args.months:
        end = datetime.strptime(args.end_month, "%Y-%m").date().replace(day=1)
        generated_dir = Path(tempfile.mkdtemp(prefix="engines-data-"))
        generate(generated_dir, months=args.months, end_month=end, scale=args.scale)
    data_dir = generated_dir or args.data_dir
    try:
        result = time_engines(data_dir, args.work_dir, landing_dir=args.landing_dir, keep=args.keep)
    finally:
        if generated_dir is not None:
            shutil.rmtree(generated_dir, ignore_errors=True)
    print(result.report(), flush=True)
    name = args.label or (
        f"engines-{args.months}m-scale{args.scale:g}" if args.months else f"engines-{Path(data_dir).name}"
    )
    args.json.mkdir(parents=True, exist_ok=True)
    out = args.json / f"{name}.json"
    out.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    print(f"  figures written to {out}", flush=True)
    return 0 if result.tables_equal == result.tables_compared else 1


if __name__ == "__main__":
    sys.exit(main())
