"""Suites of k distinct expectations over the orders table, for the scaling curve of ``run.py``.

``suite(k)`` is the first ``k`` of ``CANDIDATES``: realistic checks of every kind dataguard's
benchmark suite uses, on different columns of ``benchmarks/data.py``'s table, taken round-robin
across the kinds so that even a small k mixes null, range, set, pattern, length, uniqueness,
order, moment and schema checks; at k = 50 the suite reads 17 of the 18 columns. Standard library
only: ``run.py`` writes the suites as JSON, which dataguard reads like YAML.

    python benchmarks/scaling.py 1 5 20 50 --dir benchmarks/data/suites
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import zip_longest
from pathlib import Path
from typing import Any

_STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"]
_COUNTRIES = [
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO", "DK", "FI", "PL", "CZ", "AT",
    "CH", "IE", "PT", "GR", "HU", "RO", "CA", "MX", "BR", "AR", "JP", "KR", "AU", "NZ", "IN",
]  # fmt: skip


def _ranged(kind: str, *bounds: tuple[Any, ...]) -> tuple[dict[str, Any], ...]:
    """A pool of ``kind`` checks from ``(column, min_value, max_value[, mostly])`` rows."""
    return tuple(
        {"type": kind, "column": column, "min_value": low, "max_value": high}
        | ({"mostly": mostly[0]} if mostly else {})
        for column, low, high, *mostly in bounds
    )


#: One pool per kind of check, each over different columns (parameters fit the generator).
POOLS: tuple[tuple[dict[str, Any], ...], ...] = (
    tuple(
        {"type": "not_null", "column": c}
        for c in (
            "order_id", "created_at", "channel", "quantity", "product_id", "customer_id",
            "warehouse_id", "weight_kg", "is_gift", "status",
        )
    ),
    _ranged(
        "between",
        ("amount", 0, 100_000), ("quantity", 1, 20), ("shipping_cost", 0, 200, 0.999),
        ("discount", 0, 0.5), ("score", -10, 10), ("weight_kg", 0, 100), ("warehouse_id", 1, 40),
        ("product_id", 0, 1 << 40), ("coupon_count", 0, 20),
    ),
    (
        {"type": "in_set", "column": "status", "value_set": _STATUSES},
        {"type": "in_set", "column": "country", "value_set": _COUNTRIES},
        {"type": "in_set", "column": "channel", "value_set": ["web", "app", "store", "phone"]},
        {"type": "in_set", "column": "warehouse_id", "value_set": list(range(1, 41))},
    ),
    (
        {"type": "matches_regex", "column": "email",
         "regex": r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"},
        {"type": "matches_regex", "column": "order_id", "regex": r"^ORD-\d{10}$"},
        {"type": "matches_regex", "column": "customer_id", "regex": r"^CUST-\d{5}$"},
    ),
    _ranged(
        "value_length_between",
        ("customer_id", 6, 12), ("order_id", 14, 14), ("status", 4, 9), ("country", 2, 2),
        ("channel", 3, 5), ("email", 5, 64),
    ),
    ({"type": "unique", "column": "order_id"},),
    ({"type": "increasing", "column": "created_at"},),
    _ranged(
        "mean_between",
        ("amount", 40, 120), ("score", -1, 1), ("discount", 0.2, 0.3), ("quantity", 9, 12),
        ("weight_kg", 2, 4), ("shipping_cost", 3, 8),
    ),
    _ranged(
        "stdev_between",
        ("score", 0.9, 1.1), ("amount", 10, 1000), ("discount", 0.1, 0.2), ("quantity", 5, 7),
        ("weight_kg", 1, 3),
    ),
    ({"type": "row_count_between", "min_value": 1, "max_value": 1_000_000_000},),
    tuple(
        {"type": "column_type", "column": c, "logical_type": t}
        for c, t in (
            ("product_id", "integer"), ("amount", "float"), ("created_at", "datetime"),
            ("is_gift", "boolean"), ("quantity", "integer"), ("score", "float"),
            ("status", "string"),
        )
    ),
)  # fmt: skip

#: Every candidate, round-robin across the kinds: the first k make ``suite(k)``.
CANDIDATES: tuple[dict[str, Any], ...] = tuple(
    entry for layer in zip_longest(*POOLS) for entry in layer if entry is not None
)


def suite(k: int) -> dict[str, Any]:
    """A suite document of the first ``k`` candidates (all distinct)."""
    if not 1 <= k <= len(CANDIDATES):
        raise ValueError(f"k must be between 1 and {len(CANDIDATES)}, got {k}")
    return {
        "format_version": 1,
        "name": f"orders-scaling-{k}",
        "description": f"{k} expectations over the orders table (benchmarks/scaling.py)",
        "expectations": [dict(e) for e in CANDIDATES[:k]],
    }


def write_suites(ks: list[int], folder: Path) -> dict[int, Path]:
    """Write ``suite(k)`` for each k as ``folder/scaling-<k>.json``; the paths, by k."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for k in ks:
        path = folder / f"scaling-{k}.json"
        path.write_text(json.dumps(suite(k), indent=1) + "\n")
        paths[k] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("k", type=int, nargs="+", help="expectation counts")
    parser.add_argument("--dir", type=Path, default=Path("benchmarks/data/suites"))
    args = parser.parse_args(argv)
    for k, path in write_suites(args.k, args.dir).items():
        print(f"{k:3d} expectations: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
