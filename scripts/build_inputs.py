"""Rebuild the embedded input templates data/inputs/nof-input-*.csv from the published files in data/."""

from __future__ import annotations

from oversight import paths
from oversight_dev.inputs import build_input_templates

if __name__ == "__main__":
    data = paths.default_data_dir()
    counts = build_input_templates(
        data / "nhse_nof",
        data / "nof_inputs_q3_derived" / "nof_q3_2025_26_input_metrics_cqc_nss25_from_trustpulse.csv",
        data / "inputs",
    )
    for name, rows in counts.items():
        print(f"{name}: {rows} rows")
