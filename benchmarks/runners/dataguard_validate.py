"""dataguard's side of the validation benchmark: ``dg.validate`` of the suite on current.parquet.

    python benchmarks/runners/dataguard_validate.py --data DIR --suite SUITE --repeat R --out F
        [--input pandas|pandas-arrow-strings|arrow|parquet|csv]

Inputs: ``pandas`` is the frame ``pd.read_parquet`` gives (object strings), the same frame every
peer gets; ``pandas-arrow-strings`` the same frame with ``string[pyarrow]`` text columns;
``arrow`` a ``pyarrow.Table`` from ``pq.read_table``; ``parquet`` the file's path, which dataguard
streams in batches (so reading the file is inside the timed region); ``csv`` the CSV file's path
(the same rows; ``prepare.py --csv``), streamed likewise. Runs in the ``dataguard``
virtual environment (the checkout installed on the peers' pandas, numpy and pyarrow).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import _validate

import dataguard as dg

INPUTS = ("pandas", "pandas-arrow-strings", "arrow", "parquet", "csv")
#: Great Expectations' BASIC level (counts and up to 20 values), the level the GX runner uses.
RESULT_FORMAT = "basic"
_DESCRIBED = {
    "pandas": "a pandas DataFrame from pd.read_parquet (object strings)",
    "pandas-arrow-strings": "a pandas DataFrame with string[pyarrow] text columns",
    "arrow": "a pyarrow.Table from pq.read_table",
    "parquet": "the Parquet file's path (streamed in batches; reading is timed)",
    "csv": "the CSV file's path (streamed; reading and parsing are timed, the suite's declared "
    "types pin the parse)",
}


def load(args: argparse.Namespace) -> Any:
    """The data in the form ``--input`` asks for, prepared outside the timed region."""
    if args.input == "csv":
        return _validate.data_file(args, _validate.CURRENT_CSV)
    path = _validate.data_file(args)
    if args.input == "parquet":
        return path
    if args.input == "arrow":
        import pyarrow.parquet as pq

        return pq.read_table(path)
    frame = _validate.read_frame(args)
    if args.input == "pandas-arrow-strings":
        text = [c for c in frame.columns if frame[c].dtype == object]
        frame = frame.astype(dict.fromkeys(text, "string[pyarrow]"))
    return frame


def row_count(data: Any) -> int:
    """Rows of the data, without reading a Parquet file's values."""
    if isinstance(data, Path):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(data.with_suffix(".parquet")).metadata.num_rows)
    return len(data)


def checks_of(entries: list[dict[str, Any]]) -> Any:
    """A function turning a ``ValidationResult`` into the protocol's answers, in suite order."""

    def checks(result: dg.ValidationResult) -> list[dict[str, Any]]:
        if len(result.results) != len(entries):
            raise SystemExit(f"{len(result.results)} results for {len(entries)} expectations")
        return [
            _validate.answer(entry, r.passed, r.unexpected_count)
            for entry, r in zip(entries, result.results, strict=True)
        ]

    return checks


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0], INPUTS)
    entries = _validate.entries(_validate.load_document(args.suite))
    suite = dg.load_suite(args.suite)
    data = load(args)
    settings = (
        f"dg.validate(data, suite, result_format={RESULT_FORMAT!r}), default workers "
        f"(one thread per core: {os.cpu_count()}); input: {_DESCRIBED[args.input]}"
    )
    _validate.measure_and_write(
        args,
        run=lambda: dg.validate(data, suite, result_format=RESULT_FORMAT),
        checks=checks_of(entries),
        rows=row_count(data),
        fields={
            "tool": "dataguard",
            "version": dg.__version__,
            "threads": os.cpu_count(),
            "settings": settings,
            "expectations": len(entries),
        },
    )


if __name__ == "__main__":
    main()
