"""A deterministic "orders" table for benchmarks: 18 realistic columns with planted breaches.

``orders(n, seed)`` returns a pandas DataFrame with object-dtype strings (what users usually hold);
``to_arrow`` converts it once, outside any timed region. The same ``(n, seed)`` always gives the
same frame. ``BREACHES`` says exactly which faults are planted, so a benchmark can check that both
dataguard and the hand-written baseline find them.

Run ``python benchmarks/data.py --rows 1000000 --write orders.parquet`` to write it to Parquet.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "BREACHES",
    "COUNTRIES",
    "DRIFTED",
    "DRIFT_COLUMNS",
    "STATUSES",
    "current",
    "orders",
    "to_arrow",
    "write_parquet",
]

STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled")
_STATUS_WEIGHTS = (0.05, 0.15, 0.2, 0.55, 0.05)
COUNTRIES = (
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO",
    "DK", "FI", "PL", "CZ", "AT", "CH", "IE", "PT", "GR", "HU",
    "RO", "CA", "MX", "BR", "AR", "JP", "KR", "AU", "NZ", "IN",
)  # fmt: skip
CHANNELS = ("web", "app", "store", "phone")
_DOMAINS = ("example.com", "mail.example.org", "shop.example.net", "corp.example.co.uk", "ex.io")
_CUSTOMERS = 10_000
_EMAILS = 50_000
_START = np.datetime64("2024-01-01T00:00:00", "ns")

#: Faults planted at fixed row positions (spread over the table); counts are exact.
BREACHES = {
    "duplicate_order_ids": 5,  # 5 ids copied onto 5 other rows: 10 rows share an id
    "null_customer_ids": 7,  # customer_id is required
    "malformed_emails": 11,  # no "@", two "@", a space, empty, missing TLD
    "unknown_status": 3,
    "negative_amounts": 4,
    "huge_amounts": 3,  # above any plausible order value
    "infinite_shipping_costs": 3,
    "out_of_order_timestamps": 3,
}
_BAD_EMAILS = ("no-at-sign.example.com", "two@@example.com", "has space@example.com", "", "x@y")


def _positions(rng: np.random.Generator, n: int, k: int, taken: set[int]) -> np.ndarray:
    """``k`` distinct row positions, not yet used by another breach and away from the edges."""
    out: list[int] = []
    while len(out) < k:
        p = int(rng.integers(1, max(2, n - 1)))
        if p not in taken and p - 1 not in taken and p + 1 not in taken:
            taken.add(p)
            out.append(p)
    return np.array(sorted(out), dtype=np.int64)


def _labels(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded numbers as an object array of Python strings (vectorized)."""
    text = np.strings.zfill(numbers.astype(np.dtypes.StringDType()), width)
    return np.strings.add(prefix, text).astype(object)


def _with_nans(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    values = values.copy()
    values[rng.random(len(values)) < share] = np.nan
    return values


def orders(n: int = 1_000_000, seed: int = 42) -> pd.DataFrame:
    """The orders table at ``n`` rows (``n`` >= 100 so that every breach fits)."""
    if n < 100:
        raise ValueError(f"need at least 100 rows to plant the breaches, got {n}")
    rng = np.random.default_rng(seed)

    customers = _labels("CUST-", np.arange(_CUSTOMERS), 5)
    customer_of_row = rng.integers(0, _CUSTOMERS, n)
    user = rng.integers(0, 10**7, _EMAILS).astype(np.dtypes.StringDType())
    domain = np.array(_DOMAINS, dtype=np.dtypes.StringDType())[
        rng.integers(0, len(_DOMAINS), _EMAILS)
    ]
    email_pool = np.strings.add(np.strings.add(np.strings.add("user", user), "@"), domain)
    email = email_pool.astype(object)[rng.integers(0, _EMAILS, n)]
    email[rng.random(n) < 0.005] = None

    # Inter-arrival times of an average 2 s; created_at increases (ties allowed).
    gaps = rng.exponential(2e9, n).astype(np.int64)
    created = _START + np.cumsum(gaps).astype("timedelta64[ns]")
    ship_delay = rng.lognormal(np.log(36 * 3600e9), 0.5, n).astype(np.int64)
    shipped = (created + ship_delay.astype("timedelta64[ns]")).astype("datetime64[ns]")
    shipped[rng.random(n) < 0.25] = np.datetime64("NaT")

    coupons = pd.array(rng.poisson(0.4, n), dtype="Int64")
    coupons[rng.random(n) < 0.3] = pd.NA

    country = np.array(COUNTRIES, dtype=object)[rng.zipf(1.6, n) % len(COUNTRIES)]
    country[rng.random(n) < 0.01] = None

    frame = pd.DataFrame(
        {
            "order_id": _labels("ORD-", np.arange(n), 10),
            "customer_id": customers[customer_of_row],
            "email": email,
            "status": np.array(STATUSES, dtype=object)[
                rng.choice(len(STATUSES), n, p=_STATUS_WEIGHTS)
            ],
            "country": country,
            "channel": np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), n)],
            "amount": _with_nans(rng, rng.lognormal(3.5, 1.0, n), 0.02),
            "discount": _with_nans(rng, rng.uniform(0.0, 0.5, n), 0.05),
            "score": _with_nans(rng, rng.normal(0.0, 1.0, n), 0.01),
            # Capped at 150, so the only values outside [0, 200] are the planted infinities.
            "shipping_cost": _with_nans(rng, np.minimum(rng.lognormal(1.5, 0.8, n), 150.0), 0.01),
            "weight_kg": rng.gamma(2.0, 1.5, n).astype(np.float32),
            "quantity": rng.integers(1, 21, n),
            "warehouse_id": rng.integers(1, 41, n).astype(np.int16),
            "product_id": rng.integers(0, 1 << 40, n),
            "created_at": created,
            "shipped_at": shipped,
            "is_gift": rng.random(n) < 0.08,
            "coupon_count": coupons,
        }
    )
    _plant(frame, rng)
    return frame


#: Columns a drift job compares: every distribution column (not ids, e-mails or timestamps, which
#: differ between any two batches by construction).
DRIFT_COLUMNS = (
    "status", "country", "channel", "is_gift", "amount", "discount", "score", "shipping_cost",
    "weight_kg", "quantity", "warehouse_id", "coupon_count",
)  # fmt: skip
#: The columns ``current`` drifts, and how: large enough that every tool should flag them.
DRIFTED = {
    "amount": "x1.5 (lognormal location +0.41)",
    "score": "+0.5 standard deviations",
    "status": "pending/cancelled up from 5% to 20% each",
}
_DRIFTED_STATUS_WEIGHTS = (0.2, 0.1, 0.15, 0.35, 0.2)


def current(n: int = 1_000_000, seed: int = 42) -> pd.DataFrame:
    """A later batch: the same generator with another seed (so the same breaches, at other rows),
    with the drift of ``DRIFTED`` planted; the other ``DRIFT_COLUMNS`` keep their distribution."""
    frame = orders(n, seed + 1)
    rng = np.random.default_rng(seed + 2)
    frame["amount"] = frame["amount"] * 1.5
    frame["score"] = frame["score"] + 0.5
    status = frame["status"].to_numpy().copy()
    planted = status == "unknown"  # keep the planted breach rows as they are
    drawn = np.array(STATUSES, dtype=object)[
        rng.choice(len(STATUSES), n, p=_DRIFTED_STATUS_WEIGHTS)
    ]
    status[~planted] = drawn[~planted]
    frame["status"] = status
    return frame


def _plant(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Write the faults of ``BREACHES`` into the frame, at positions no two faults share."""
    n = len(frame)
    taken: set[int] = set()

    def at(key: str) -> np.ndarray:
        return _positions(rng, n, BREACHES[key], taken)

    def put(column: str, rows: np.ndarray, values: object) -> None:
        frame.iloc[rows, frame.columns.get_loc(column)] = values

    sources = at("duplicate_order_ids")
    copies = at("duplicate_order_ids")
    put("order_id", copies, frame["order_id"].to_numpy()[sources])
    put("customer_id", at("null_customer_ids"), None)
    bad = [_BAD_EMAILS[i % len(_BAD_EMAILS)] for i in range(BREACHES["malformed_emails"])]
    put("email", at("malformed_emails"), np.array(bad, dtype=object))
    put("status", at("unknown_status"), "unknown")
    put("amount", at("negative_amounts"), -12.5)
    put("amount", at("huge_amounts"), 2.5e5)
    put("shipping_cost", at("infinite_shipping_costs"), np.inf)
    # A timestamp a day earlier than its predecessor breaks the order at that row only.
    rows = at("out_of_order_timestamps")
    created = frame["created_at"].to_numpy()
    put("created_at", rows, created[rows - 1] - np.timedelta64(1, "D"))


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table (strings as Arrow strings, nullable ints kept nullable)."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def write_parquet(frame: pd.DataFrame, path: str | Path, row_group_size: int = 1 << 20) -> Path:
    """Write the frame to Parquet (zstd, ~1M-row row groups) and return the path."""
    target = Path(path)
    pq.write_table(to_arrow(frame), target, compression="zstd", row_group_size=row_group_size)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write", metavar="PATH", help="write the table to this Parquet file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    frame = orders(args.rows, args.seed)
    took = time.perf_counter() - started
    print(f"generated {len(frame):,} rows x {frame.shape[1]} columns in {took:.2f} s")
    print(frame.dtypes.to_string())
    if args.write:
        path = write_parquet(frame, args.write)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
