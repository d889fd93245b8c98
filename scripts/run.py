"""Thin entry point used by `make run`: land the embedded default data, build the warehouse, summarise."""

import sys

from oversight.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
