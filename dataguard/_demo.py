"""``dataguard demo``: the main job on built-in example data, explained as it runs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TextIO

from dataguard._atomic import write_atomic
from dataguard._drift_formats import drift_text
from dataguard._formats import to_text
from dataguard.drift import drift
from dataguard.examples import (
    PLANTED_DRIFT,
    PLANTED_PROBLEMS,
    orders,
    orders_drifted,
    orders_suite_path,
)
from dataguard.profile import profile
from dataguard.report import write_report
from dataguard.suite import load_suite
from dataguard.validate import validate


def run_demo(output: Path | None, out: TextIO) -> None:
    """Generate the example orders, validate them with the example suite, and print the result."""
    suite_path = orders_suite_path()
    suite = load_suite(suite_path)
    data = orders()
    data_ref: object = data
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        parquet = output / "orders.parquet"
        data.to_parquet(parquet, index=False)
        shutil.copyfile(suite_path, output / "orders.suite.yaml")
        data_ref = parquet
    result = validate(data_ref, suite, id_columns=("order_id",))
    out.write("dataguard demo: validating an example orders table with planted problems\n")
    out.write(f"suite: {suite_path}\n\n")
    out.write(to_text(result))
    out.write("\nThe example data was generated with these planted problems:\n")
    for column, problem, rows in PLANTED_PROBLEMS:
        out.write(f"  - {column}: {problem} ({rows} rows)\n")
    out.write(
        "Each shows up above as a failed expectation, except where `mostly` or a warning/info\n"
        "severity tolerates it. The failures are the point of the demo: it exits 0 because it\n"
        "ran.\n"
    )
    out.write("\n== drift: a later batch against a profile of the first ==\n")
    reference = profile(data.drop(columns=["order_id", "customer_email", "created_at"]))
    current = orders_drifted()
    report = drift(current, reference=reference)
    out.write(drift_text(report))
    out.write("\nThe later batch was generated with this drift:\n")
    for column, change in PLANTED_DRIFT:
        out.write(f"  - {column}: {change}\n")
    if output is not None:
        reference.save(output / "orders.profile.json")
        current.to_parquet(output / "orders_later.parquet", index=False)
        write_atomic(output / "drift.json", report.to_json() + "\n")
        written = write_atomic(output / "result.json", result.to_json() + "\n")
        validation_html = write_report(result, output / "validation.html")
        drift_html = write_report(report, output / "drift.html")
        out.write(
            f"\nwrote {output / 'orders.parquet'}, {output / 'orders.suite.yaml'} and {written}\n"
        )
        out.write(f"validation report: {validation_html}\n")
        out.write(f"drift report: {drift_html}\n")
        out.write(
            f"try: dataguard validate {output / 'orders.parquet'} --suite "
            f"{output / 'orders.suite.yaml'} --format junit\n"
        )
