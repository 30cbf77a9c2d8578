"""The physical floor of the validation suite: one read pass over the bytes of every column the
suite reads, plus one RE2 match of each column the suite's patterns test; not a validator.

    python benchmarks/runners/floor_validate.py --data DIR --suite SUITE --repeat R --out F
        [--input arrow|parquet]

From an Arrow table in memory (``arrow``) or the Parquet file (``parquet``: ``pq.read_table`` of
the suite's columns, decoded on 2 threads, inside the timed call), every column the suite reads
gets ``pyarrow.compute.min_max`` (touches every value's bytes) and a null count (the validity
bitmap), and every ``matches_regex`` check one ``pc.match_substring_regex`` (RE2) over its column
plus a count of the matches: the least work any implementation of the suite must do. The columns'
passes run on a pool of 2 threads (Arrow's kernels release the GIL; ``pa.set_cpu_count(2)``). Its
numbers are not the checks' answers, so ``run.py`` keeps it out of the agreement table: it is a
floor to measure the others against.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import _anchors
import _validate
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

INPUTS = ("arrow", "parquet")


def main() -> None:
    args = _validate.parse_args(__doc__.splitlines()[0], INPUTS)
    entries = _validate.entries(_validate.load_document(args.suite))
    pa.set_cpu_count(_anchors.THREADS)
    path = _validate.data_file(args)
    # column_type reads only the schema: the floor reads the columns whose values are checked.
    read = _anchors.columns([e for e in entries if e["type"] != "column_type"])
    patterns = [(e["column"], e["regex"]) for e in entries if e["type"] == "matches_regex"]
    table = pq.read_table(path) if args.input == "arrow" else None
    pool = ThreadPoolExecutor(_anchors.THREADS)

    def column_pass(column: pa.ChunkedArray) -> tuple[Any, int]:
        return pc.min_max(column).as_py(), column.null_count

    def regex_pass(column: pa.ChunkedArray, pattern: str) -> int:
        return int(pc.sum(pc.match_substring_regex(column, pattern)).as_py() or 0)

    def run() -> dict[str, Any]:
        data = table
        if data is None:
            data = pq.read_table(path, columns=read, use_threads=True)
        passes = {c: pool.submit(column_pass, data.column(c)) for c in read}
        matched = [pool.submit(regex_pass, data.column(c), p) for c, p in patterns]
        return {
            "columns": {c: f.result() for c, f in passes.items()},
            "matched": [f.result() for f in matched],
        }

    answer = run()
    summary = {
        "columns_read": read,
        "regex_matches": dict(zip([c for c, _ in patterns], answer["matched"], strict=True)),
        "nulls": {c: nulls for c, (_, nulls) in answer["columns"].items()},
    }
    _validate.measure_and_write(
        args,
        run=run,
        checks=lambda _: [],
        rows=_anchors.row_count(args),
        fields={
            "tool": "floor",
            "version": pa.__version__,
            "threads": _anchors.THREADS,
            "floor": summary,
            "settings": f"pyarrow.compute min_max and null count of the {len(read)} columns the "
            f"suite reads, one match_substring_regex (RE2) per pattern, on a pool of "
            f"{_anchors.THREADS} threads; input: "
            + (
                "a pyarrow.Table in memory"
                if args.input == "arrow"
                else "pq.read_table(path, columns=those, use_threads=True), timed"
            ),
        },
    )


if __name__ == "__main__":
    main()
