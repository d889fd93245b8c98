"""Command line: ``oversight run | publish | land | build | fetch``.

``make run`` calls ``oversight run`` on the embedded default data (``data/``): land, build, run the quality
gate and publish a release, ending with the path of the release's website. ``publish`` does the same with
more options (``--no-rebuild`` gates and publishes the warehouse as it is). Each long step (landing, dbt, the
gate, the exports, the site) is reported as it starts and ends, with its elapsed time; a summary follows.
Exit codes: 0 success, 1 a data, build or quality problem (the message says which file, line and column, which
dbt node, or which expectation and rows), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from oversight import paths
from oversight.errors import OversightError

DESCRIPTION = "The open NHS Oversight Framework warehouse: land the raw files, build with dbt, gate and publish."
EPILOG = "Exit codes: 0 success, 1 a data, build or quality problem, 2 usage."
#: Each subcommand: its one-line help (the list of ``oversight --help``) and its description (its own ``--help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "land, build, gate and publish a release; print the summary and the site's path",
        "Land every file of the data directory, build the warehouse with dbt into a copy (swapped in only if every "
        "test passes), run the quality gate and publish a release under the releases folder.",
    ),
    "publish": (
        "land, build, gate and publish a release (options for an existing warehouse)",
        "As run, with options: --no-rebuild gates and publishes the warehouse as it is, --quarter picks the "
        "quarter released, --no-wait fails at once if another publish is running.",
    ),
    "land": (
        "land the data directory only",
        "Read every raw file of the data directory and write typed Parquet into the landing zone (one folder per "
        "collection), with a manifest of what was landed; --retire takes a removed file's rows out.",
    ),
    "build": (
        "run dbt build on what is already landed",
        "Run dbt build on the landed files into a copy of the warehouse, swapped in only if every model and test "
        "passed; print the summary and the reconciliation with NHS England's figures.",
    ),
    "fetch": (
        "download one month of a collection from its publisher into data/",
        "Download one month's publication of a collection (its name in the landing registry, e.g. mhsds_monthly, "
        "nhs_sickness_absence) into its folder of the data directory, with a SHA-256 manifest.",
    ),
}


def _version() -> str:
    try:
        return importlib.metadata.version("oversight")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree not installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in ("run", "publish", "land", "build"):
        _add_options(sub.add_parser(name, help=COMMANDS[name][0], description=COMMANDS[name][1]), name)
    help_text, description = COMMANDS["fetch"]
    fetch = sub.add_parser("fetch", help=help_text, description=description)
    fetch.add_argument(
        "--collection", required=True, help="the collection's name in the landing registry, e.g. mhsds_monthly"
    )
    fetch.add_argument("--period", required=True, help="reporting month, YYYY-MM (e.g. 2025-06)")
    fetch.add_argument("--data-dir", type=Path, help="default: $OVERSIGHT_DATA_DIR, else the embedded data/ folder")
    fetch.add_argument("--retries", type=int, default=3, help="attempts per URL (default 3)")
    return parser


def _add_options(command: argparse.ArgumentParser, name: str) -> None:
    """The options of ``run``, ``publish``, ``land`` and ``build``."""
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
    if name == "land":
        command.add_argument(
            "--retire",
            action="append",
            default=[],
            metavar="FILE",
            help="take the landed rows of FILE (a path under the data directory, as the landing report names "
            "it; the file must be gone from there) out of the current set; recorded in the manifest (repeatable)",
        )
        return
    command.add_argument(
        "--warehouse",
        type=Path,
        help=f"DuckDB file (default: ${paths.DUCKDB_PATH_ENV} or warehouse/oversight.duckdb)",
    )
    command.add_argument(
        "--dbt-arg",
        action="append",
        default=[],
        help="extra argument passed to dbt build (repeatable); a --vars given here is merged with the "
        "pipeline's, yours winning",
    )
    command.add_argument(
        "--no-reconciliation-gate",
        action="store_true",
        help="build (and publish) a method that cannot reproduce NHS England's figures, e.g. another "
        "segment_cut_point_method: the shortfall is a warning, recorded in the release and shown on every page",
    )
    if name == "build":
        return
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
            enforce_reconciliation=not args.no_reconciliation_gate,
        )
    except OversightError as exc:
        latest = releases / "latest"
        where = f"{latest} -> {os.readlink(latest)}" if latest.is_symlink() else f"no {latest} yet"
        raise OversightError(f"{exc}\nnothing was published; the previous release is untouched ({where})") from exc
    print()
    if result.landing is not None:  # its counts and warnings: each file was listed as it was landed
        warnings = [f"  warning   {w}" for w in result.landing.warnings]
        print("\n".join([result.landing.summary().splitlines()[0], *warnings]))
    summary = summarise(paths.resolve_duckdb_path(args.warehouse))
    summary.dbt = result.dbt
    print(summary.summary())
    print(result.summary())
    from oversight.site import print_provisional_status

    print_provisional_status(paths.resolve_duckdb_path(args.warehouse))
    print(f"published: {result.site_index}")


#: Libraries whose information lines are not the run's progress (Great Expectations logs its own steps at INFO,
#: some of its modules setting their loggers' level themselves): only their warnings and errors are shown.
QUIET_LIBRARIES = ("great_expectations",)


def quiet_libraries(record: logging.LogRecord) -> bool:
    """Log filter: a record is shown unless it is a quiet library's below WARNING."""
    return record.levelno >= logging.WARNING or not record.name.startswith(QUIET_LIBRARIES)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.addFilter(quiet_libraries)
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[handler])
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
            waived: dict[str, object] | None = {"reconciliation_gate": False} if args.no_reconciliation_gate else None
            done = build(paths.resolve_landing_dir(args.landing_dir), warehouse, dbt_args=args.dbt_arg, dbt_vars=waived)
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
