"""Open NHS Oversight Framework warehouse: land NHS returns, build league tables with dbt + DuckDB."""

from oversight.errors import LandingError, OversightError

__all__ = ["LandingError", "OversightError", "__version__"]

__version__ = "0.1.0"
