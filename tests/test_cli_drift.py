"""``dataguard profile`` and ``dataguard drift``: files, formats, exit codes, bad references."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dataguard.cli import main


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    n = 20_000
    reference = pd.DataFrame(
        {
            "amount": rng.normal(size=n),
            "status": rng.choice(["a", "b"], size=n),
            "stable": rng.random(n),
        }
    )
    same = pd.DataFrame(
        {
            "amount": rng.normal(size=n),
            "status": rng.choice(["a", "b"], size=n),
            "stable": rng.random(n),
        }
    )
    shifted = same.assign(amount=same["amount"] + 0.3, status=rng.choice(["a", "b", "c"], size=n))
    paths = {
        "reference": tmp_path / "ref.parquet",
        "same": tmp_path / "same.csv",
        "shifted": tmp_path / "cur.parquet",
    }
    reference.to_parquet(paths["reference"])
    same.to_csv(paths["same"], index=False)
    shifted.to_parquet(paths["shifted"])
    return paths


def test_profile_then_drift(files: dict[str, Path], tmp_path: Path) -> None:
    profile_path = tmp_path / "ref.profile.json.gz"
    code, text = run(["profile", str(files["reference"]), "--output", str(profile_path)])
    assert code == 0
    assert "profiled 20,000 rows, 3 columns" in text
    code, text = run(["drift", str(files["shifted"]), "--reference", str(profile_path)])
    assert code == 0  # drift is reported, not a failure, unless asked
    assert text.startswith("DRIFT: 2 of 3 columns drifted")
    code, _ = run(["drift", str(files["shifted"]), "-r", str(profile_path), "--fail-on-drift"])
    assert code == 1
    code, text = run(["drift", str(files["same"]), "-r", str(profile_path), "--fail-on-drift"])
    assert code == 0
    assert text.startswith("NO DRIFT")


def test_raw_reference_and_formats(files: dict[str, Path], tmp_path: Path) -> None:
    base = ["drift", str(files["shifted"]), "--reference", str(files["reference"])]
    code, raw = run([*base, "--format", "json"])
    assert code == 0
    doc = json.loads(raw)
    assert doc["drifted"] is True
    assert set(doc["drifted_columns"]) == {"amount", "status"}
    status = next(c for c in doc["columns"] if c["column"] == "status")
    assert status["details"]["new_share"] > 0.3
    out = tmp_path / "drift.xml"
    assert run([*base, "-f", "junit", "-o", str(out)])[0] == 0
    root = ET.fromstring(out.read_text())
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    code, markdown = run([*base, "-f", "markdown"])
    assert markdown.startswith("## ❌ dataguard drift")


def test_options(files: dict[str, Path]) -> None:
    base = ["drift", str(files["shifted"]), "-r", str(files["reference"]), "-f", "json"]
    doc = json.loads(run([*base, "--columns", "stable"])[1])
    assert [c["column"] for c in doc["columns"]] == ["stable"]
    doc = json.loads(run([*base, "--test", "amount=psi"])[1])
    amount = next(c for c in doc["columns"] if c["column"] == "amount")
    assert amount["method"] == "psi"
    doc = json.loads(run([*base, "--min-effect", "0.5"])[1])
    assert doc["drifted_columns"] == []


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--test", "amount=frob"], "unknown drift method"),
        (["--test", "=psi"], "COLUMN=METHOD"),
        (["--alpha", "2"], "alpha must be between 0 and 1"),
        (["--columns", "nope"], "nope"),
    ],
)
def test_bad_options_exit_two(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], extra: list[str], words: str
) -> None:
    code, _ = run(["drift", str(files["shifted"]), "-r", str(files["reference"]), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"format_version": 99, "columns": {}}', "newer than this dataguard"),
        (
            b'{"format_version": 1, "columns": {"x": {"kind": "numeric"}}}',
            "missing field 'settings'",
        ),
        (b"\x1f\x8b\x08\x00garbage", "corrupt or truncated compressed"),
    ],
)
def test_bad_reference_profiles_exit_two(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    words: str,
) -> None:
    path = tmp_path / "bad.profile.json"
    path.write_bytes(content)
    code, _ = run(["drift", str(files["shifted"]), "-r", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert str(path) in err


def test_missing_files_exit_two(files: dict[str, Path], tmp_path: Path) -> None:
    assert run(["drift", str(tmp_path / "nope.parquet"), "-r", str(files["reference"])])[0] == 2
    assert run(["profile", str(tmp_path / "nope.parquet"), "-o", str(tmp_path / "p.json")])[0] == 2


@pytest.mark.parametrize("value", ["nan", "-0.1", "inf", "1.5"])
def test_bad_min_effect_exits_two(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, _ = run(
        ["drift", str(files["shifted"]), "-r", str(files["reference"]), "--min-effect", value]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "min_effect" in err


def test_profile_names_the_columns_it_leaves_out(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,\n2,\n")
    code, text = run(["profile", str(data), "-o", str(tmp_path / "p.json")])
    assert code == 0
    assert "profiled 2 rows, 1 columns" in text
    assert "not profiled b: every value is missing" in text
