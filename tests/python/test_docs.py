"""Every reference the code makes to the method and raw-format specs resolves to a heading in docs/."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPECS = ("methodology", "raw_formats")
REFERENCE = re.compile(r"\b(methodology|raw_formats)\.md\s*(?:§\s*)?(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^#+\s+(\d+(?:\.\d+)?)[.\s]", re.MULTILINE)


def _headings(spec: str) -> set[str]:
    return set(HEADING.findall((ROOT / "docs" / f"{spec}.md").read_text(encoding="utf-8")))


def _citing_files() -> list[Path]:
    patterns = ("models/**/*.sql", "models/**/*.yml", "macros/*.sql", "seeds/*.yml", "src/**/*.py", "scripts/*.py")
    files = [path for pattern in patterns for path in ROOT.glob(pattern)]
    return [*files, ROOT / "README.md"]


def test_specs_are_in_the_repository() -> None:
    for spec in SPECS:
        assert _headings(spec), f"docs/{spec}.md is missing or has no numbered headings"


def test_every_cited_section_exists() -> None:
    headings = {spec: _headings(spec) for spec in SPECS}
    cited = [
        (str(path.relative_to(ROOT)), match.group(1), match.group(2))
        for path in _citing_files()
        for match in REFERENCE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert cited, "no references found: the pattern no longer matches how the code cites the specs"
    dangling = [(path, f"{spec}.md {section}") for path, spec, section in cited if section not in headings[spec]]
    assert not dangling, f"references to sections the specs do not have: {dangling}"
