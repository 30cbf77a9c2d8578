"""The peers' benchmark: 1M reference rows against 1M current rows under the default policy.

12 numeric columns of assorted shapes and 3 categorical ones. Deliberate drift in three columns
(a 0.1-sigma shift, a variance x1.5, a category share moved by 5 points) must be flagged, and
nothing else: not the undrifted numeric columns, not a 0.02-sigma shift that is highly significant
at this size but below the 0.03 effect gate (drift.md §0.2, §6), and not a category unseen in the
reference at 0.05 % of the rows, whose ``new_share`` is reported instead. A saved reference
profile must give the same report as the raw reference data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import dataguard as dg

ROWS = 1_000_000
DRIFTED = {"shift_01sd", "variance_x15", "share_5pt"}
NUMERIC = [
    "normal",
    "shift_01sd",
    "variance_x15",
    "tiny_shift_002sd",
    "lognormal",
    "exponential",
    "uniform",
    "student_t3",
    "poisson",
    "integers",
    "zeros_mixture",
    "large_with_nan",
]
CATEGORICAL = ["share_5pt", "unseen_005pct", "stable_with_nulls"]
SHARES = np.array([0.40, 0.30, 0.20, 0.10])
MOVED = np.array([0.35, 0.35, 0.20, 0.10])  # total variation 0.05
KEYS = np.array(["alpha", "beta", "gamma", "delta"])
CITIES = np.array([f"city{i:02d}" for i in range(20)])
CITY_SHARES = 1.0 / np.arange(1, 21)
CITY_SHARES /= CITY_SHARES.sum()
NEW_ROWS = 500  # 0.05 % of the current rows


def dataset(seed: int, current: bool) -> pa.Table:
    rng = np.random.default_rng(seed)
    n = ROWS

    def normal(mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
        return rng.normal(mean, sd, size=n)

    large = normal(1000, 1)
    large[rng.random(n) < 0.01] = np.nan
    columns: dict[str, object] = {
        "normal": normal(),
        "shift_01sd": normal(0.1 if current else 0.0),
        "variance_x15": normal(5, 2 * np.sqrt(1.5) if current else 2),
        "tiny_shift_002sd": normal(0.02 if current else 0.0),
        "lognormal": rng.lognormal(0, 1, size=n),
        "exponential": rng.exponential(2, size=n),
        "uniform": rng.uniform(-1, 1, size=n),
        "student_t3": rng.standard_t(3, size=n),
        "poisson": rng.poisson(3, size=n).astype(np.int64),
        "integers": rng.integers(0, 100, size=n).astype(np.int64),
        "zeros_mixture": np.where(rng.random(n) < 0.3, 0.0, rng.gamma(2, size=n)),
        "large_with_nan": large,
    }
    share = KEYS[rng.choice(4, size=n, p=MOVED if current else SHARES)]
    cities = CITIES[rng.choice(20, size=n, p=CITY_SHARES)].astype(object)
    if current:
        cities[rng.choice(n, size=NEW_ROWS, replace=False)] = "atlantis"
    stable = KEYS[rng.choice(4, size=n, p=SHARES)]
    columns["share_5pt"] = pa.array(share)
    columns["unseen_005pct"] = pa.array(cities, type=pa.string())
    columns["stable_with_nulls"] = pa.array(stable, mask=rng.random(n) < 0.02)
    return pa.table(columns)


def _comparable(report: dg.DriftReport) -> dict[str, object]:
    doc = report.to_dict()
    doc.pop("run")
    return doc


@pytest.mark.slow
def test_million_row_benchmark(tmp_path: Path) -> None:
    reference, current = dataset(401, current=False), dataset(402, current=True)
    report = dg.drift(current, reference=reference)
    for column in report.columns.values():
        print(
            f"{column.column:18} {column.kind:11} {column.method:10} effect {column.effect:.4f} "
            f"p_adj {column.pvalue_adjusted:.3g} drifted {column.drifted}"
        )

    assert set(report.columns) == set(NUMERIC) | set(CATEGORICAL)
    assert report.skipped == {}
    assert set(report.drifted_columns) == DRIFTED
    assert report.drifted
    assert report.drift_share == pytest.approx(3 / 15)
    for name in NUMERIC:
        column = report.columns[name]
        assert column.drifted == (name in DRIFTED), name
    for name in DRIFTED:
        column = report.columns[name]
        assert column.pvalue_adjusted is not None
        assert column.pvalue_adjusted < 1e-10
        assert column.effect >= 0.04, name

    kinds = {name: column.kind for name, column in report.columns.items()}
    assert kinds["poisson"] == "discrete"
    assert kinds["integers"] == kinds["normal"] == kinds["zeros_mixture"] == "continuous"
    assert kinds["share_5pt"] == kinds["unseen_005pct"] == "categorical"
    assert report.columns["share_5pt"].effect == pytest.approx(0.05, abs=0.003)

    # Significant at a million rows but no alert: the effect gate (drift.md §1.3a, §6).
    tiny = report.columns["tiny_shift_002sd"]
    assert tiny.pvalue_adjusted is not None
    assert tiny.pvalue_adjusted < 0.05
    assert tiny.effect < 0.03
    assert not tiny.drifted

    # The unseen category: reported, not flagged (0.05 % of the mass moved).
    unseen = report.columns["unseen_005pct"]
    assert unseen.details["new_share"] == NEW_ROWS / ROWS
    assert unseen.details["new_examples"] == ["atlantis"]
    assert not unseen.drifted

    # Missing shares: unchanged (1 % NaN, 2 % nulls) and not flagged.
    for name in ("large_with_nan", "stable_with_nulls"):
        missing = report.columns[name].missing
        assert missing is not None
        assert missing.reference_share == pytest.approx(missing.current_share, abs=0.001)
        assert missing.reference_share > 0.005
        assert not missing.drifted

    # A saved profile (about 11 KB per numeric column, drift.md §7.E.2) gives the same report.
    profile = dg.profile(reference)
    path = profile.save(tmp_path / "reference.json.gz")
    assert path.stat().st_size <= 16_000 * len(NUMERIC) + 4_000 * len(CATEGORICAL)
    from_file = dg.drift(current, reference=dg.load_profile(path))
    assert _comparable(from_file) == _comparable(report)
    # ...and so does a profile of the current batch counted on the reference's grid.
    batch = dg.profile(current, reference=profile)
    assert _comparable(dg.drift(batch, reference=profile)) == _comparable(report)
