"""sqlfluff's stand-in for dbt's ``adapter`` (``.sqlfluff`` library_path): the linter renders models without dbt.

``adapter.dispatch(name, package)(...)`` renders a placeholder relation: sqlfluff lints the model's own SQL, and
the dispatched macros' engine-specific SQL (macros/cross_engine/) is compiled and run by dbt on each engine.
"""

from collections.abc import Callable


def dispatch(macro_name: str, macro_namespace: str | None = None) -> Callable[..., str]:
    """A macro that renders ``(select * from <macro_name>)`` whatever its arguments."""
    del macro_namespace

    def rendered(*args: object, **kwargs: object) -> str:
        del args, kwargs
        return f"(select * from {macro_name})"

    return rendered
