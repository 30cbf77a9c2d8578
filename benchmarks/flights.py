"""Deterministic tables shaped like nycflights13's ``flights`` and ``planes``, with planted faults.

The checks new users reach for first on that dataset need row expressions, a cross-table key check
and freshness; these generators give the benchmarks and tests the same shapes at any size without a
download. ``flights(n, seed)`` and ``planes(n, seed)`` return Arrow tables; the same arguments give
the same bytes. Times of day are integers ``hhmm`` as in nycflights13 (``517`` is 05:17). A
cancelled flight has no ``dep_time``, ``arr_time`` nor ``air_time``.

``FAULTS`` says exactly which faults are planted, so a benchmark can check that the checks find
them: ``dep_time`` values whose minutes part is 60 or more, arrivals before departure on flights
that were not cancelled, and tail numbers absent from ``planes``.

Run ``python benchmarks/flights.py --rows 1000000 --write benchmarks/data`` to write both tables
to Parquet.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["CARRIERS", "FAULTS", "NEWEST", "ORIGINS", "fault_counts", "flights", "planes", "write"]

CARRIERS = ("9E", "AA", "B6", "DL", "EV", "MQ", "UA", "US", "WN", "VX")
ORIGINS = ("EWR", "JFK", "LGA")
_DESTS = ("ATL", "BOS", "CLT", "DEN", "DFW", "LAX", "MCO", "MIA", "ORD", "SFO", "SEA", "IAD")
_MANUFACTURERS = ("BOEING", "AIRBUS", "EMBRAER", "BOMBARDIER INC", "MCDONNELL DOUGLAS")
_START = np.datetime64("2013-01-01T00:00:00", "us")
#: The newest scheduled hour in every table, whatever its size: freshness checks compare to it.
NEWEST = np.datetime64("2013-12-31T23:00:00", "us")

#: Faults planted per million rows (scaled to the table, at least one each); counts are exact and
#: ``fault_counts(n)`` gives them for a size.
FAULTS = {
    "minutes_over_59": 500,  # dep_time like 1275: the minutes part is not a minute
    "arrival_before_departure": 300,  # arr_time < dep_time on a flight that was not cancelled
    "unknown_tailnum": 1000,  # a tail number that planes does not hold
}
_CANCELLED = 0.02


def fault_counts(n: int) -> dict[str, int]:
    """How many rows of an ``n``-row ``flights`` table carry each planted fault."""
    return {name: max(1, per_million * n // 1_000_000) for name, per_million in FAULTS.items()}


def _tailnum(numbers: np.ndarray) -> pa.Array:
    """``N`` + a number of four to five digits, as US registrations read."""
    return pc.binary_join_element_wise(
        pa.array(np.full(len(numbers), "N")), pa.array(numbers.astype(str)), ""
    )


def planes(n: int = 3_322, seed: int = 0) -> pa.Table:
    """``n`` aircraft with distinct tail numbers ``N1000`` to ``N{999+n}``."""
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "tailnum": _tailnum(np.arange(1_000, 1_000 + n)),
            "year": pa.array(rng.integers(1956, 2014, n), pa.int32()),
            "manufacturer": pa.array(np.asarray(_MANUFACTURERS)[rng.integers(0, 5, n)]),
            "engines": pa.array(rng.choice([1, 2, 2, 2, 3, 4], n), pa.int32()),
            "seats": pa.array(rng.integers(2, 450, n), pa.int32()),
        }
    )


def _faulty_rows(rng: np.random.Generator, n: int, exclude: np.ndarray) -> np.ndarray:
    """Distinct row positions for each fault, disjoint from each other and from ``exclude``."""
    free = np.setdiff1d(np.arange(n), exclude)
    wanted = sum(fault_counts(n).values())
    return rng.choice(free, size=min(wanted, len(free)), replace=False)


def flights(n: int, seed: int = 0, *, plane_count: int = 3_322) -> pa.Table:
    """``n`` flights over 2013, their tail numbers from ``planes(plane_count)``, with ``FAULTS``.

    Departures are between 05:00 and 22:59 and flights last 30 to 300 minutes, so a sound arrival
    never passes midnight: ``arr_time > dep_time`` holds on every flight that was not cancelled,
    except the planted ones.
    """
    rng = np.random.default_rng(seed)
    dep_minutes = rng.integers(5 * 60, 23 * 60, n)
    air_time = rng.integers(30, 60 * 5, n)
    arr_minutes = np.minimum(dep_minutes + air_time, 23 * 60 + 59)
    cancelled = rng.random(n) < _CANCELLED
    tail = rng.integers(1_000, 1_000 + plane_count, n)

    counts = fault_counts(n)
    planted = _faulty_rows(rng, n, np.flatnonzero(cancelled))
    over_59, backwards, unknown = np.split(
        planted, np.cumsum([counts["minutes_over_59"], counts["arrival_before_departure"]])
    )
    dep_time = dep_minutes // 60 * 100 + dep_minutes % 60
    arr_time = arr_minutes // 60 * 100 + arr_minutes % 60
    dep_time[over_59] = dep_time[over_59] // 100 * 100 + rng.integers(60, 100, len(over_59))
    arr_time[over_59] = (dep_time[over_59] // 100 + 1) * 100 + 30  # still after the departure
    arr_time[backwards] = np.maximum(dep_time[backwards] - 100, 0)
    tail[unknown] = 1_000 + plane_count + rng.integers(0, 1_000, len(unknown))

    hours = rng.integers(0, 365 * 24, n).astype("timedelta64[h]")
    time_hour = _START + hours
    time_hour[-1] = NEWEST  # the newest hour is the same for every size
    return pa.table(
        {
            "carrier": pa.array(np.asarray(CARRIERS)[rng.integers(0, len(CARRIERS), n)]),
            "flight": pa.array(rng.integers(1, 8_000, n), pa.int32()),
            "origin": pa.array(np.asarray(ORIGINS)[rng.integers(0, 3, n)]),
            "dest": pa.array(np.asarray(_DESTS)[rng.integers(0, len(_DESTS), n)]),
            "tailnum": _tailnum(tail),
            "dep_time": pa.array(dep_time, pa.int32(), mask=cancelled),
            "arr_time": pa.array(arr_time, pa.int32(), mask=cancelled),
            "air_time": pa.array(air_time, pa.float64(), mask=cancelled),
            "distance": pa.array(air_time * 8 + rng.integers(-40, 40, n), pa.float64()),
            "cancelled": pa.array(cancelled),
            "time_hour": pa.array(time_hour, pa.timestamp("us", tz="UTC")),
        }
    )


def write(directory: Path, rows: int, seed: int = 0) -> tuple[Path, Path]:
    """Write ``flights-{rows}.parquet`` and ``planes.parquet`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    flights_path = directory / f"flights-{rows}.parquet"
    planes_path = directory / "planes.parquet"
    pq.write_table(flights(rows, seed), flights_path)
    pq.write_table(planes(seed=seed), planes_path)
    return flights_path, planes_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path, required=True, help="directory for the Parquet files")
    args = parser.parse_args(argv)
    for path in write(args.write, args.rows, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
