"""Great Expectations' Spark execution engine in the cluster job: the suite as the same GX 1.x
ExpectationSuite as ``gx_validate.py``'s, validated on the Spark DataFrame of current.parquet.

    python benchmarks/runners/gx_spark_validate.py --data DIR --suite SUITE.json --repeat R --out F

An ephemeral context with a Spark data source (reusing the benchmark's session) and a
whole-DataFrame batch definition; each timed run is ``get_batch`` plus
``batch.validate(suite, result_format="BASIC")``, as on pandas. The expectations are
``gx_validate.EXPECTATIONS``, except ``column_type``, whose type list names Spark's integer types
(``LongType``, ``IntegerType``, ``ShortType``, ``ByteType``). Runs in the ``gx_spark`` virtual
environment, with PySpark 4.1.4: GX 1.24 declares ``pyspark<4.2``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import _cluster
import _validate
import great_expectations as gx
import great_expectations.expectations as gxe
from gx_validate import EXPECTATIONS, RESULT_FORMAT, suite_on

SPARK_TYPE_LISTS = {
    "integer": ["LongType", "IntegerType", "ShortType", "ByteType"],
    "float": ["DoubleType", "FloatType"],
    "boolean": ["BooleanType"],
    "datetime": ["TimestampType", "TimestampNTZType"],
}


def expectation(index: int, entry: dict[str, Any]) -> gxe.Expectation:
    """The GX expectation for one suite entry (Spark type names for ``column_type``)."""
    if entry["type"] == "column_type":
        built: gxe.Expectation = gxe.ExpectColumnValuesToBeInTypeList(
            column=entry["column"], type_list=SPARK_TYPE_LISTS[entry["logical_type"]]
        )
    elif entry["type"] in EXPECTATIONS:
        built = EXPECTATIONS[entry["type"]](entry)
    else:
        raise SystemExit(f"gx runner: no mapping for {entry['type']!r}")
    built.meta = {"suite_index": index}
    return built


def _raised(info: dict[str, Any]) -> str | None:
    """The first line of the exception GX recorded for an expectation, if any: ``exception_info``
    is one record, or one record per metric (keyed by the metric's id)."""
    records = [info, *(v for v in info.values() if isinstance(v, dict))]
    for record in records:
        if record.get("raised_exception"):
            message = str(record.get("exception_message") or "").strip()
            return message.splitlines()[0][:200] if message else "raised"
    return None


def checks_of(entries: list[dict[str, Any]]) -> Callable[[Any], list[dict[str, Any]]]:
    """GX's suite result as the protocol's answers, in suite order; an expectation GX raised on
    is answered ``raised`` (the exception's first line), with neither verdict nor count."""

    def checks(result: Any) -> list[dict[str, Any]]:
        by_index = {r.expectation_config.meta["suite_index"]: r for r in result.results}
        out = []
        for i, entry in enumerate(entries):
            r = by_index[i]
            raised = _raised(r.exception_info or {})
            if raised is not None:
                out.append({"id": _validate.check_id(entry), "success": None,
                            "unexpected_count": None, "raised": raised})  # fmt: skip
                continue
            out.append(_validate.answer(entry, r.success, r.result.get("unexpected_count")))
        return out

    return checks


class Runner:
    """The GX objects set up once, and one validation of the Spark DataFrame per call."""

    def __init__(self, entries: list[dict[str, Any]], frame: Any) -> None:
        self.definition, self.suite = suite_on(
            lambda sources: sources.add_spark("benchmark", persist=False),
            [expectation(i, e) for i, e in enumerate(entries)],
        )
        self.frame = frame
        self.load_seconds: list[float] = []

    def __call__(self) -> Any:
        started = time.perf_counter()
        batch = self.definition.get_batch(batch_parameters={"dataframe": self.frame})
        self.load_seconds.append(time.perf_counter() - started)
        return batch.validate(self.suite, result_format=RESULT_FORMAT)


def main() -> None:
    # PySpark logs every failed query plan in full (an expectation GX cannot run); its answer
    # says so in one line.
    logging.getLogger("DataFrameQueryContextLogger").setLevel(logging.CRITICAL)
    args = _validate.parse_args(__doc__.splitlines()[0])
    entries = _validate.entries(_validate.load_document(args.suite))
    with _cluster.spark_data(args) as (frame, info):
        runner = Runner(entries, frame)
        _cluster.measure_and_write(
            args,
            run=runner,
            checks=checks_of(entries),
            info=info,
            fields={
                "tool": "great_expectations",
                "version": gx.__version__,
                "settings": "ephemeral context, Spark data source (persist=False), "
                "whole-DataFrame batch; each run: get_batch + batch.validate(suite, "
                f"result_format={RESULT_FORMAT!r}); " + _cluster.SPARK_SETTINGS,
                "notes": [
                    {
                        "id": _validate.check_id(e),
                        "note": "expect_column_values_to_be_in_type_list with Spark's "
                        "integer types",
                    }
                    for e in entries
                    if e["type"] == "column_type"
                ],
            },
        )


if __name__ == "__main__":
    main()
