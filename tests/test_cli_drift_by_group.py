"""``dataguard profile --group-by`` and ``dataguard drift --group-by``: exit codes, formats,
JUnit names with the group, and a bad group column."""

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


def orders(seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    carrier = rng.choice(["AA", "DL", "UA"], 3000)
    return pd.DataFrame(
        {
            "carrier": carrier,
            "amount": rng.normal(size=3000) + np.where(carrier == "DL", shift, 0.0),
            "status": rng.choice(["new", "done"], 3000),
        }
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "reference": tmp_path / "reference.parquet",
        "same": tmp_path / "same.parquet",
        "moved": tmp_path / "moved.csv",
        "profile": tmp_path / "reference.profile.json.gz",
    }
    orders(7, 0.0).to_parquet(paths["reference"])
    orders(8, 0.0).to_parquet(paths["same"])
    orders(9, 0.5).to_csv(paths["moved"], index=False)
    return paths


def test_profile_by_group_then_drift_by_group(files: dict[str, Path]) -> None:
    code, text = run(
        ["profile", str(files["reference"]), "-o", str(files["profile"]), "--group-by", "carrier"]
    )
    assert code == 0
    assert text.startswith("profiled 3,000 rows in 3 groups by carrier into ")
    base = ["drift", "--reference", str(files["profile"]), "--group-by", "carrier"]
    code, text = run([*base, str(files["same"]), "--fail-on-drift"])
    assert code == 0
    assert text.startswith("NO DRIFT: 0 of 3 groups by carrier drifted")
    code, text = run([*base, str(files["moved"])])
    assert code == 0  # drift is reported, not a failure, unless asked
    assert text.startswith("DRIFT: 1 of 3 groups by carrier drifted; worst: carrier='DL'")
    assert "== carrier='DL': DRIFT: 1 of 2 columns drifted" in text
    assert run([*base, str(files["moved"]), "--fail-on-drift"])[0] == 1


def test_raw_reference_json_and_junit(files: dict[str, Path], tmp_path: Path) -> None:
    base = ["drift", str(files["moved"]), "-r", str(files["reference"]), "--group-by", "carrier"]
    code, text = run([*base, "--format", "json"])
    assert code == 0
    document = json.loads(text)
    assert document["worst_group"] == {"carrier": "DL"}
    assert [g["group"]["carrier"] for g in document["groups"]] == ["AA", "DL", "UA"]
    code, text = run([*base, "--format", "junit"])
    root = ET.fromstring(text)
    assert root.get("failures") == "1"
    names = [case.get("name") for case in root.iter("testcase")]
    assert "amount [carrier=DL]" in names
    assert "status [carrier=AA]" in names
    [failed] = [case for case in root.iter("testcase") if case.find("failure") is not None]
    assert failed.get("name") == "amount [carrier=DL]"
    report = tmp_path / "drift.html"
    code, text = run([*base, "--format", "markdown", "--report", str(report)])
    assert code == 0
    assert "### carrier='DL': DRIFT" in text
    html = report.read_text()
    assert 'id="group-1"' in html
    assert "carrier=&#39;DL&#39;" in html


def test_a_bad_group_column_exits_two_with_a_suggestion(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(
        ["drift", str(files["moved"]), "-r", str(files["reference"]), "--group-by", "carier"]
    )
    assert code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "['carier'] not found" in error
    assert "did you mean 'carrier'?" in error
    code, _ = run(
        ["profile", str(files["reference"]), "-o", str(files["profile"]), "--group-by", "x"]
    )
    assert code == 2


def test_a_plain_profile_is_refused_for_drift_by_group(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    plain = files["profile"].with_name("plain.json")
    assert run(["profile", str(files["reference"]), "-o", str(plain)])[0] == 0
    code, _ = run(["drift", str(files["moved"]), "-r", str(plain), "--group-by", "carrier"])
    assert code == 2
    assert "not a profile by group" in capsys.readouterr().err


def test_too_many_groups_exits_two(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["drift", str(files["moved"]), "-r", str(files["reference"]), "--group-by", "amount"]
    assert run(argv)[0] == 2
    assert "makes more than 100 groups" in capsys.readouterr().err


def test_report_renders_a_saved_drift_by_group(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "drift.json"
    argv = ["drift", str(files["moved"]), "-r", str(files["reference"]), "--group-by", "carrier"]
    assert run([*argv, "--format", "json", "-o", str(saved)])[0] == 0
    page = tmp_path / "drift.html"
    assert run(["report", str(saved), "-o", str(page)])[0] == 0
    assert "Drift report by group" in page.read_text()
    document = json.loads(saved.read_text())
    document["groups"][1]["columns"][0]["drifted"] = "yes"
    saved.write_text(json.dumps(document))
    assert run(["report", str(saved), "-o", str(page)])[0] == 2
    assert "groups[1]: not a valid drift document" in capsys.readouterr().err


def test_a_profile_by_group_without_group_by_says_so(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "profile",
        str(files["reference"]),
        "-o",
        str(files["profile"]),
        "--group-by",
        "carrier",
    ]
    assert run(argv)[0] == 0
    assert run(["drift", str(files["moved"]), "-r", str(files["profile"])])[0] == 2
    assert "a profile by group (group_by ['carrier'])" in capsys.readouterr().err
