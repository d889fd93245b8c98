"""Command line: ``oversight run | publish | land | build | fetch``.

``make run`` calls ``oversight run`` on the embedded default data (``data/``): land, build, run the quality
gate and publish a release, ending with the path of the release's website. ``publish`` does the same with
more options (``--no-rebuild`` gates and publishes the warehouse as it is). Exit codes: 0 success, 1 a data,
build or quality problem (the message says which file, line and column, which dbt node, or which
expectation and rows), 2 usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from oversight import paths
from oversight.errors import OversightError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "land, build, gate and publish a release; print the summary and the site's path"),
        ("publish", "land, build, gate and publish a release (options for an existing warehouse)"),
        ("land", "land the data directory only"),
        ("build", "run dbt build on what is already landed"),
    ):
        command = sub.add_parser(name, help=help_text)
        if name != "build":
            command.add_argument(
                "--data-dir",
                type=Path,
                help=f"input files (default: ${paths.DATA_DIR_ENV}, else the embedded data/ folder)",
            )
        command.add_argument(
            "--landing-dir",
            type=Path,
            help=f"landing zone (default: ${paths.LANDING_DIR_ENV} or warehouse/landing)",
        )
        if name != "land":
            command.add_argument(
                "--warehouse",
                type=Path,
                help=f"DuckDB file (default: ${paths.DUCKDB_PATH_ENV} or warehouse/oversight.duckdb)",
            )
            command.add_argument(
                "--dbt-arg",
                action="append",
                default=[],
                help="extra argument passed to dbt build (repeatable)",
            )
        if name == "land":
            command.add_argument(
                "--retire",
                action="append",
                default=[],
                metavar="FILE",
                help="take the landed rows of FILE (a path under the data directory, as the landing report names "
                "it; the file must be gone from there) out of the current set; recorded in the manifest (repeatable)",
            )
        if name in ("run", "publish"):
            command.add_argument(
                "--releases-dir",
                type=Path,
                help="where releases are written (default: $OVERSIGHT_RELEASES_DIR or releases/)",
            )
        if name == "publish":
            command.add_argument("--quarter", help="quarter to release, e.g. 'Q4 2025/26' (default: the latest)")
            command.add_argument(
                "--no-rebuild",
                action="store_true",
                help="do not land or build: gate and publish the warehouse as it is",
            )
            command.add_argument("--no-wait", action="store_true", help="fail at once if another publish is running")
    fetch = sub.add_parser("fetch", help="download one month of a collection from its publisher into data/")
    fetch.add_argument("--collection", required=True, help="e.g. mhsds_monthly, csds_core (see oversight.fetch)")
    fetch.add_argument("--period", required=True, help="reporting month, YYYY-MM (e.g. 2025-06)")
    fetch.add_argument("--data-dir", type=Path, help="default: $OVERSIGHT_DATA_DIR, else the embedded data/ folder")
    fetch.add_argument("--retries", type=int, default=3, help="attempts per URL (default 3)")
    return parser


def _publish(args: argparse.Namespace) -> None:
    from oversight.pipeline import summarise
    from oversight.publish import default_releases_dir, publish

    releases = args.releases_dir or default_releases_dir()
    try:
        result = publish(
            args.data_dir,
            args.landing_dir,
            args.warehouse,
            releases,
            rebuild=not getattr(args, "no_rebuild", False),
            quarter=getattr(args, "quarter", None),
            dbt_args=args.dbt_arg,
            wait=not getattr(args, "no_wait", False),
        )
    except OversightError as exc:
        latest = releases / "latest"
        where = f"{latest} -> {os.readlink(latest)}" if latest.is_symlink() else f"no {latest} yet"
        raise OversightError(f"{exc}\nnothing was published; the previous release is untouched ({where})") from exc
    if result.landing is not None:
        print(result.landing.summary())
    summary = summarise(paths.resolve_duckdb_path(args.warehouse))
    summary.dbt = result.dbt
    print(summary.summary())
    print(result.summary())
    from oversight.site import print_provisional_status

    print_provisional_status(paths.resolve_duckdb_path(args.warehouse))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from oversight.signals import Terminated, terminate_as_exit

    # SIGTERM/SIGHUP (and Ctrl-C) exit through the clean-up code: scratch files, the dbt child, a swapped warehouse
    with terminate_as_exit():
        try:
            return _main(args)
        except (KeyboardInterrupt, Terminated) as exc:
            name = exc.signal_name if isinstance(exc, Terminated) else "SIGINT"
            print(
                f"error: stopped by {name}; nothing was published and the warehouse was left as it was",
                file=sys.stderr,
            )
            return 128 + int(getattr(signal, name))


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "fetch":
            from oversight.fetch import fetch

            print(
                fetch(
                    args.collection, args.period, paths.resolve_data_dir(args.data_dir), retries=args.retries
                ).summary()
            )
        elif args.command == "land":
            from oversight.landing import land, retire

            data_dir, landing_dir = paths.resolve_data_dir(args.data_dir), paths.resolve_landing_dir(args.landing_dir)
            if args.retire:
                print(retire(data_dir, landing_dir, args.retire).summary())
            else:
                print(land(data_dir, landing_dir).summary())
        elif args.command == "build":
            from oversight.pipeline import build, summarise

            warehouse = paths.resolve_duckdb_path(args.warehouse)
            done = build(paths.resolve_landing_dir(args.landing_dir), warehouse, dbt_args=args.dbt_arg)
            result = summarise(warehouse)
            result.dbt = done
            print(result.summary())
        else:
            _publish(args)
    except OversightError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a last resort: every step names its own paths; never a traceback
        print(f"error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
