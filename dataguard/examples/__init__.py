"""Built-in example data and suites, used by ``dataguard demo`` and the docs."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PLANTED_DRIFT", "PLANTED_PROBLEMS", "orders", "orders_drifted", "orders_suite_path"]

STATUSES = ("placed", "paid", "shipped", "delivered", "cancelled", "returned")
COUNTRIES = ("DE", "FR", "GB", "US", "ES", "IT", "NL", "SE", "PL", "CA")
_DOMAINS = ("example.com", "mail.test", "shop.example", "corp.test")

#: The quality problems ``orders()`` plants, as (column, description, rows affected).
PLANTED_PROBLEMS: tuple[tuple[str, str, int], ...] = (
    ("order_id", "duplicated order ids (every copy counts)", 6),
    ("customer_email", "malformed e-mail addresses", 60),
    ("customer_email", "missing e-mail addresses", 25),
    ("amount", "negative amounts (refunds booked as orders)", 8),
    ("quantity", "zero quantities", 12),
    ("status", "status 'unknown' outside the allowed set", 5),
    ("country", "country code 'XX'", 3),
    ("created_at", "timestamps out of order", 2),
)


def orders(rows: int = 5000, seed: int = 7, *, planted: bool = True) -> pd.DataFrame:
    """A realistic orders table with the problems listed in ``PLANTED_PROBLEMS``.

    Deterministic for a given ``rows`` and ``seed``; needs at least 1000 rows for every problem.
    ``planted=False`` gives the same table without the problems: a clean reference batch.
    """
    if rows < 1000:
        raise ValueError("the example needs at least 1000 rows")
    rng = np.random.default_rng(seed)
    ids = np.array([f"ORD-{i:07d}" for i in range(1, rows + 1)], dtype=object)
    users = rng.integers(1, rows // 3, size=rows)
    domains = rng.choice(np.array(_DOMAINS, dtype=object), size=rows)
    emails = np.array([f"user{u}@{d}" for u, d in zip(users, domains, strict=True)], dtype=object)
    amount = np.round(rng.lognormal(mean=3.8, sigma=0.7, size=rows), 2)
    quantity = rng.integers(1, 6, size=rows)
    start = np.datetime64("2026-01-01T00:00:00", "s")
    gaps = rng.exponential(scale=600.0, size=rows).astype("int64") + 1
    created = start + np.cumsum(gaps).astype("timedelta64[s]")
    status = rng.choice(
        np.array(STATUSES, dtype=object), size=rows, p=[0.1, 0.2, 0.2, 0.4, 0.06, 0.04]
    )
    country = rng.choice(np.array(COUNTRIES, dtype=object), size=rows)

    if planted:
        picks = iter(rng.permutation(np.arange(10, rows - 10)))

        def take(n: int) -> np.ndarray:
            return np.array([next(picks) for _ in range(n)])

        dup = take(3)
        ids[dup] = ids[dup - 1]
        emails[take(60)] = np.array([f"user{i}example.com" for i in range(60)], dtype=object)
        emails[take(25)] = None
        amount[take(8)] = -np.round(rng.uniform(5, 50, size=8), 2)
        quantity[take(12)] = 0
        status[take(5)] = "unknown"
        country[take(3)] = "XX"
        swapped = take(2)
        created[swapped] = created[swapped] - np.timedelta64(7, "D")

    frame: dict[str, Any] = {
        "order_id": ids,
        "customer_email": emails,
        "amount": amount,
        "quantity": quantity,
        "created_at": pd.to_datetime(created),
        "status": status,
        "country": country,
    }
    result: pd.DataFrame = pd.DataFrame(frame)
    return result


#: How ``orders_drifted()`` differs from ``orders()``, as (column, change).
PLANTED_DRIFT: tuple[tuple[str, str], ...] = (
    ("amount", "amounts 25% higher (a price change)"),
    ("status", "twice as many cancellations"),
    ("country", "a new market, 'MX', at 4% of orders"),
)


def orders_drifted(rows: int = 5000, seed: int = 8) -> pd.DataFrame:
    """A later batch of orders, drifted as ``PLANTED_DRIFT`` says (same planted problems)."""
    frame = orders(rows, seed)
    rng = np.random.default_rng(seed + 1000)
    frame["amount"] = np.round(frame["amount"] * 1.25, 2)
    placed = np.flatnonzero((frame["status"] == "placed").to_numpy())
    frame.loc[rng.choice(placed, size=placed.size // 2, replace=False), "status"] = "cancelled"
    frame.loc[rng.choice(rows, size=rows // 25, replace=False), "country"] = "MX"
    return frame


def orders_suite_path() -> Path:
    """Path of the example suite shipped with dataguard."""
    return Path(str(resources.files("dataguard.examples").joinpath("orders.suite.yaml")))
