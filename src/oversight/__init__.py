"""Open NHS Oversight Framework warehouse: land NHS returns, build league tables with dbt + DuckDB."""

# Load the collection registry first: it appends the per-group modules (collections_acute, ...), which build
# on its classes, so importing a group module directly must not start the cycle from the group's side.
from oversight import collections as _collections  # noqa: F401
from oversight.errors import LandingError, OversightError

__all__ = ["LandingError", "OversightError", "__version__"]

__version__ = "0.1.0"
