"""The release's quality report (``data_docs/``): the gate's validation results as one self-contained HTML page.

Great Expectations' own Data Docs load Bootstrap, jQuery, Vega and Font Awesome from CDNs (offline their index is
empty and their pages unstyled) and print the scratch folder the gate ran in. The report is rendered instead from
the checkpoint's results with the site's template and style sheet (copied beside the page): it opens from the file
system with no network, and shows no local path.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from oversight.templating import template_environment

__all__ = ["CheckedExpectation", "render_quality_report"]


@dataclass(frozen=True)
class CheckedExpectation:
    """One expectation of one suite as the checkpoint evaluated it."""

    suite: str
    expectation: str
    arguments: str
    success: bool
    unexpected_count: int
    rows: tuple[str, ...]
    observed: str = ""

    def describe(self, rows_shown: int) -> str:
        """The expectation as the gate's report lists it: what failed, then up to ``rows_shown`` of its rows."""
        lines = [f"- {self.suite}: {self.expectation}({self.arguments}) failed: {self.unexpected_count} row(s)"]
        lines += [f"    {row}" for row in self.rows[:rows_shown]]
        if len(self.rows) > rows_shown:
            lines.append(f"    ... and {len(self.rows) - rows_shown} more")
        if self.observed:
            lines.append(f"    observed: {self.observed}")
        return "\n".join(lines)


def render_quality_report(checked: list[CheckedExpectation], docs_dir: Path, *, rows_shown: int = 50) -> Path:
    """Write ``docs_dir/index.html`` (and ``assets/site.css``) for the gate's results; return the page's path."""
    env = template_environment()
    suites: dict[str, list[CheckedExpectation]] = {}
    for item in checked:
        suites.setdefault(item.suite, []).append(item)
    page = env.get_template("quality_report.html").render(
        suites=sorted(suites.items()),
        evaluated=len(checked),
        failed=sum(1 for item in checked if not item.success),
        rows_shown=rows_shown,
    )
    docs_dir.mkdir(parents=True, exist_ok=True)
    assets = docs_dir / "assets"
    assets.mkdir(exist_ok=True)
    css = resources.files("oversight") / "templates" / "assets" / "site.css"
    (assets / "site.css").write_text(css.read_text(encoding="utf-8"), encoding="utf-8")
    index = docs_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
