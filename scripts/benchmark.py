"""National-scale benchmark (not a test): generate synthetic returns, then measure the floor, landing, dbt build
(start-up and parse, compile, execute), bootstrap, full rebuild and adding a month, with peak memory, and time the
pandas and polars peers (scripts/peers/) against ours on the metrics they share; print the figures, with seconds
per raw GB, and write them as JSON, one file per length.

    .venv/bin/python scripts/benchmark.py                           # 3, 12 and 36 months at scale 1.0 (~200 MB
                                                                    # of CSV a month), in one invocation
    .venv/bin/python scripts/benchmark.py --months 2 --scale 0.01   # a smoke run in a minute or two

See README "Performance" and oversight_dev.benchmark.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path

from oversight_dev.benchmark import run_benchmark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--months", type=int, nargs="+", default=[3, 12, 36], help="months of returns (one run each)")
    parser.add_argument("--scale", type=float, default=1.0, help="row-count scale; 1.0 matches the real files")
    parser.add_argument("--end-month", default="2026-03", help="last month generated, YYYY-MM")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work-dir", type=Path, default=Path("warehouse/benchmark"), help="emptied, then used")
    parser.add_argument("--json", type=Path, default=Path("benchmark-results"), help="folder for the JSON figures")
    parser.add_argument("--keep", action="store_true", help="keep the generated data and the warehouse")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    end = datetime.strptime(args.end_month, "%Y-%m").date().replace(day=1)
    args.json.mkdir(parents=True, exist_ok=True)
    for months in args.months:
        result = run_benchmark(
            args.work_dir / f"{months}m",
            months=months,
            end_month=date(end.year, end.month, 1),
            scale=args.scale,
            seed=args.seed,
            keep=args.keep,
        )
        print(result.report(), flush=True)
        out = args.json / f"benchmark-{months}m-scale{args.scale:g}.json"
        out.write_text(json.dumps(result.to_json(), indent=2) + "\n")
        print(f"  figures written to {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
