"""Great Expectations' side of the validation benchmark: the suite as a GX 1.x ExpectationSuite.

    python benchmarks/runners/gx_validate.py --data DIR --suite SUITE.json --repeat R --out F

An ephemeral context with a pandas data source and a whole-DataFrame batch definition; each timed
run loads the frame as a batch (``get_batch``, which hashes the whole DataFrame: every new frame
pays it) and validates the suite with ``result_format="BASIC"`` (counts and up to 20 values, GX's
lighter level; the default SUMMARY costs about twice as much). The two steps are also timed apart
(``batch_load_seconds``, ``validate_seconds``; the first, untimed run left out).

Every suite entry has a GX expectation of the same meaning (``EXPECTATIONS``): GX, like the suite,
counts unexpected values over the non-null ones and applies ``mostly`` to them, and
``expect_column_values_to_match_regex`` searches (``str.contains``) like the suite. Runs in the
``great_expectations`` virtual environment, with analytics and progress bars off.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import _validate
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig

RESULT_FORMAT = "BASIC"
#: The pandas dtypes ``column_type``'s logical types stand for, for
#: ``expect_column_values_to_be_in_type_list``.
_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
TYPE_LISTS = {
    "integer": [*_INTS, *(t.capitalize().replace("Ui", "UI") for t in _INTS)],
    "float": ["float16", "float32", "float64", "Float32", "Float64"],
    "boolean": ["bool", "boolean"],
    "datetime": ["datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]"],
}
_BOUNDS = ("min_value", "max_value", "strict_min", "strict_max")


def _bounds(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in _BOUNDS if k in entry}


def _mostly(entry: dict[str, Any]) -> dict[str, Any]:
    return {"mostly": float(entry["mostly"])} if "mostly" in entry else {}


#: Suite entry type to the GX expectation with the same meaning, built from the entry.
EXPECTATIONS: dict[str, Callable[[dict[str, Any]], gxe.Expectation]] = {
    "not_null": lambda e: gxe.ExpectColumnValuesToNotBeNull(column=e["column"], **_mostly(e)),
    "between": lambda e: gxe.ExpectColumnValuesToBeBetween(
        column=e["column"], **_bounds(e), **_mostly(e)
    ),
    "in_set": lambda e: gxe.ExpectColumnValuesToBeInSet(
        column=e["column"], value_set=list(e["value_set"]), **_mostly(e)
    ),
    "matches_regex": lambda e: gxe.ExpectColumnValuesToMatchRegex(
        column=e["column"], regex=e["regex"], **_mostly(e)
    ),
    "unique": lambda e: gxe.ExpectColumnValuesToBeUnique(column=e["column"], **_mostly(e)),
    "value_length_between": lambda e: gxe.ExpectColumnValueLengthsToBeBetween(
        column=e["column"], **_bounds(e), **_mostly(e)
    ),
    "increasing": lambda e: gxe.ExpectColumnValuesToBeIncreasing(
        column=e["column"], strictly=bool(e.get("strictly", False)), **_mostly(e)
    ),
    "mean_between": lambda e: gxe.ExpectColumnMeanToBeBetween(column=e["column"], **_bounds(e)),
    "stdev_between": lambda e: gxe.ExpectColumnStdevToBeBetween(column=e["column"], **_bounds(e)),
    "row_count_between": lambda e: gxe.ExpectTableRowCountToBeBetween(**_bounds(e)),
    "column_type": lambda e: gxe.ExpectColumnValuesToBeInTypeList(
        column=e["column"], type_list=TYPE_LISTS[e["logical_type"]]
    ),
}


def expectation(index: int, entry: dict[str, Any]) -> gxe.Expectation:
    """The GX expectation for one suite entry, tagged with its position in the suite."""
    build = EXPECTATIONS.get(entry["type"])
    if build is None:
        raise SystemExit(f"gx runner: no mapping for {entry['type']!r}")
    built = build(entry)
    built.meta = {"suite_index": index}
    return built


def suite_on(
    add_source: Callable[[Any], Any], expectations: list[gxe.Expectation]
) -> tuple[Any, gx.ExpectationSuite]:
    """An ephemeral context's whole-DataFrame batch definition on the data source
    ``add_source(context.data_sources)`` adds, and the suite of ``expectations``."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = add_source(context.data_sources).add_dataframe_asset("orders")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add(gx.ExpectationSuite(name="orders", expectations=expectations))
    return definition, suite


class Runner:
    """The GX objects set up once, and one validation of the frame per call."""

    def __init__(self, entries: list[dict[str, Any]], frame: pd.DataFrame) -> None:
        self.definition, self.suite = suite_on(
            lambda sources: sources.add_pandas("benchmark"),
            [expectation(i, e) for i, e in enumerate(entries)],
        )
        self.frame = frame
        self.load_seconds: list[float] = []
        self.validate_seconds: list[float] = []

    def __call__(self) -> Any:
        started = time.perf_counter()
        batch = self.definition.get_batch(batch_parameters={"dataframe": self.frame})
        loaded = time.perf_counter()
        result = batch.validate(self.suite, result_format=RESULT_FORMAT)
        self.load_seconds.append(loaded - started)
        self.validate_seconds.append(time.perf_counter() - loaded)
        return result


def checks_of(entries: list[dict[str, Any]]) -> Callable[[Any], list[dict[str, Any]]]:
    """A function turning GX's suite result into the protocol's answers, in suite order."""

    def checks(result: Any) -> list[dict[str, Any]]:
        by_index = {r.expectation_config.meta["suite_index"]: r for r in result.results}
        out = []
        for i, entry in enumerate(entries):
            r = by_index[i]
            if r.exception_info and r.exception_info.get("raised_exception"):
                raise SystemExit(f"GX raised on {entry}: {r.exception_info}")
            out.append(_validate.answer(entry, r.success, r.result.get("unexpected_count")))
        return out

    return checks


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0])
    entries = _validate.entries(_validate.load_document(args.suite))
    frame = _validate.read_frame(args)
    runner = Runner(entries, frame)
    settings = (
        "ephemeral context, pandas data source, whole-DataFrame batch; each run: get_batch "
        f"(hashes the frame) + batch.validate(suite, result_format={RESULT_FORMAT!r}); input: "
        "a pandas DataFrame from pd.read_parquet (object strings)"
    )
    notes = [
        {
            "id": _validate.check_id(e),
            "note": "expect_column_values_to_be_in_type_list with every pandas integer dtype",
        }
        for e in entries
        if e["type"] == "column_type"
    ]
    _validate.measure_and_write(
        args,
        run=runner,
        checks=checks_of(entries),
        rows=len(frame),
        fields={
            "tool": "great_expectations",
            "version": gx.__version__,
            "settings": settings,
            "notes": notes,
        },
        late_fields=lambda: {
            "batch_load_seconds": runner.load_seconds[1:],
            "validate_seconds": runner.validate_seconds[1:],
        },
    )


if __name__ == "__main__":
    main()
