"""Labels and slugs shared by the site's modules (:mod:`oversight.site`, :mod:`oversight.site_insights`).

A leaf module: both page modules import it, so neither imports the other's internals (no import cycle).
"""

from __future__ import annotations

import re

__all__ = ["cohort_label", "quarter_slug"]

_COHORT_LABELS = {
    "acute": "Acute trusts",
    "mental_health_community": "Mental health and community trusts",
    "ambulance": "Ambulance trusts",
}


def quarter_slug(quarter: str) -> str:
    """``Q1 2025/26`` -> ``q1-2025-26``: a quarter as a folder name."""
    return re.sub(r"[^a-z0-9]+", "-", quarter.lower()).strip("-")


def cohort_label(cohort: str) -> str:
    """``acute`` -> ``Acute trusts``; an unknown cohort is written out (``new_cohort`` -> ``New cohort``)."""
    return _COHORT_LABELS.get(cohort, cohort.replace("_", " ").capitalize())
