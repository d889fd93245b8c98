"""The one Jinja environment of the package's HTML templates (``oversight/templates``): the site and the quality
report both render through it, each adding its own filters."""

from __future__ import annotations

import jinja2

__all__ = ["template_environment"]


def template_environment() -> jinja2.Environment:
    """A fresh environment over the package's templates: HTML autoescaped, undefined names an error."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("oversight", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
