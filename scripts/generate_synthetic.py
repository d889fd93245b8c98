"""Write synthetic raw NHS returns in the published layouts (see :mod:`oversight_dev.synthetic`).

Example: ``python scripts/generate_synthetic.py --out /tmp/national --months 3`` writes three months ending March
2026 at national scale (about 240 MB of raw CSV a month), then prints every file, the rows and bytes per
collection, the total and the time taken.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from oversight_dev.synthetic import ALIASES, COLLECTIONS, GeneratedFile, generate, parse_month


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate synthetic raw NHS returns in the published layouts.")
    parser.add_argument("--out", type=Path, required=True, help="output folder (a complete data directory)")
    parser.add_argument("--months", type=int, default=1, help="number of consecutive months (default 1)")
    parser.add_argument("--end-month", default="2026-03", help="last month, YYYY-MM (default 2026-03)")
    parser.add_argument("--scale", type=float, default=1.0, help="row-count multiplier (default 1.0 = national)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--collections",
        default="",
        help="comma-separated collections or aliases (default all): "
        + ", ".join(f"{alias}={name}" for alias, name in ALIASES.items() if name in COLLECTIONS),
    )
    parser.add_argument("--quiet", action="store_true", help="print the summary only, not every file")
    args = parser.parse_args(argv)
    collections = [c for c in args.collections.split(",") if c.strip()] or None
    started = time.perf_counter()

    def show(item: GeneratedFile) -> None:
        if not args.quiet:
            where = item.path.relative_to(args.out) if item.path.is_relative_to(args.out) else item.path
            print(f"  {item.rows:>9,} rows {item.raw_bytes / 1e6:>9.1f} MB  {where}", flush=True)

    try:
        files = generate(
            args.out,
            months=args.months,
            end_month=parse_month(args.end_month),
            scale=args.scale,
            seed=args.seed,
            collections=collections,
            progress=show,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for item in files:
        entry = totals[item.collection]
        entry[0] += 1
        entry[1] += item.rows
        entry[2] += item.raw_bytes
        entry[3] += item.bytes
    print(f"\n{'collection':<28} {'files':>5} {'rows':>12} {'raw MB':>10} {'disk MB':>10}")
    for name, (count, rows, raw, disk) in totals.items():
        print(f"{name:<28} {count:>5} {rows:>12,} {raw / 1e6:>10.1f} {disk / 1e6:>10.1f}")
    raw_total = sum(t[2] for t in totals.values())
    disk_total = sum(t[3] for t in totals.values())
    rows_total = sum(t[1] for t in totals.values())
    print(f"{'total':<28} {len(files):>5} {rows_total:>12,} {raw_total / 1e6:>10.1f} {disk_total / 1e6:>10.1f}")
    print(f"{seconds:.1f} s, {raw_total / 1e6 / max(seconds, 1e-9):.1f} MB/s of raw CSV; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
