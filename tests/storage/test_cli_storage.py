"""The command line with files in an object store: ``--storage-option KEY=VALUE``."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from dataguard._storage import read_bytes, resolve, write_bytes
from dataguard.cli import main

SUITE = """\
name: orders
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0, max_value: 100}
"""

#: Credentials moto accepts while it does not check them, spelt to be found if ever printed.
KEY_ID = "AKIAPRINTEDNEVER"
SECRET = "NeverPrintThisSecret"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "orders.parquet"
    pd.DataFrame({"id": [1, 2, 3, 4], "amount": [5.0, 20.0, 35.5, 99.0]}).to_parquet(path)
    return path


@pytest.fixture
def options(s3_endpoint: str) -> dict[str, str]:
    return {
        "endpoint_url": s3_endpoint,
        "region": "us-east-1",
        "access_key_id": KEY_ID,
        "secret_access_key": SECRET,
    }


def _flags(options: dict[str, str]) -> list[str]:
    return [
        flag for key, value in options.items() for flag in ("--storage-option", f"{key}={value}")
    ]


def _run(argv: list[str], options: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, *_flags(options)], stdout=out)
    return code, out.getvalue()


def _get(uri: str, options: dict[str, str]) -> bytes:
    return read_bytes(resolve(uri, options), 1 << 26)


def _secret_free(*texts: str | bytes) -> None:
    for text in texts:
        shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        assert KEY_ID not in shown
        assert SECRET not in shown


def test_validate_reads_the_suite_and_writes_every_output_to_the_store(
    data: Path, s3_bucket: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root = f"s3://{s3_bucket}"
    write_bytes(f"{root}/suites/orders.yaml", SUITE, options)
    argv = ["validate", str(data), "-s", f"{root}/suites/orders.yaml"]
    code, out = _run([*argv, "-f", "json", "-o", f"{root}/out/result.json"], options)
    assert code == 0
    assert json.loads(_get(f"{root}/out/result.json", options))["passed"] is True
    code, _ = _run(
        [*argv, "-f", "junit", "-o", f"{root}/out/junit.xml", "--report", f"{root}/r.html"],
        options,
    )
    assert code == 0
    junit = _get(f"{root}/out/junit.xml", options)
    assert ET.fromstring(junit).get("failures") == "0"
    html = _get(f"{root}/r.html", options)
    assert html.startswith(b"<!DOCTYPE html>")
    _secret_free(
        out, capsys.readouterr().err, junit, html, _get(f"{root}/out/result.json", options)
    )


def test_profile_drift_and_report_with_the_store(
    data: Path, s3_bucket: str, options: dict[str, str]
) -> None:
    root = f"s3://{s3_bucket}"
    code, out = _run(
        ["profile", str(data), "-o", f"{root}/ref.json.gz", "--report", f"{root}/p.html"], options
    )
    assert code == 0
    size = len(_get(f"{root}/ref.json.gz", options))
    assert f"into {root}/ref.json.gz ({size:,} bytes)" in out
    assert f"report: {root}/p.html" in out
    code, out = _run(
        ["drift", str(data), "-r", f"{root}/ref.json.gz", "-f", "json", "-o", f"{root}/d.json"],
        options,
    )
    assert code == 0
    assert json.loads(_get(f"{root}/d.json", options))["drifted"] is False
    code, out = _run(["report", f"{root}/d.json", "-o", f"{root}/d.html"], options)
    assert (code, out) == (0, f"wrote {root}/d.html\n")
    assert b"<!DOCTYPE html>" in _get(f"{root}/d.html", options)
    _secret_free(out, _get(f"{root}/d.json", options))


def test_infer_lint_diff_and_convert_with_the_store(
    data: Path, tmp_path: Path, s3_bucket: str, options: dict[str, str]
) -> None:
    root = f"s3://{s3_bucket}"
    code, out = _run(
        ["infer", str(data), "-o", f"{root}/drafts/orders.yaml", "--profile", "orders.json"],
        options,
    )
    assert code == 0
    assert f"reference profile: {root}/drafts/orders.json" in out
    # The drafted suite's no_drift checks read the profile beside it, in the store.
    assert _run(["validate", str(data), "-s", f"{root}/drafts/orders.yaml"], options)[0] == 0
    write_bytes(f"{root}/old.yaml", SUITE, options)
    assert _run(["lint", f"{root}/old.yaml", "--schema", str(data)], options) == (0, "")
    code, out = _run(["diff", f"{root}/old.yaml", f"{root}/drafts/orders.yaml"], options)
    assert code == 0
    assert "no_drift" in out  # the draft adds drift checks the old suite lacks
    gx = tmp_path / "gx.json"
    gx.write_text(
        json.dumps(
            {
                "expectation_suite_name": "g",
                "expectations": [
                    {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "id"}}
                ],
            }
        )
    )
    code, out = _run(["convert", "--from", "gx", str(gx), "-o", f"{root}/g.yaml"], options)
    assert code == 0
    assert b"column_exists" in _get(f"{root}/g.yaml", options)


def test_a_lint_problem_is_located_in_the_suites_uri(
    s3_bucket: str, options: dict[str, str]
) -> None:
    uri = f"s3://{s3_bucket}/bad.yaml"
    write_bytes(uri, SUITE.replace("max_value: 100", "max_value: lots"), options)
    code, out = _run(["lint", uri], options)
    assert code == 2
    assert out.startswith(f"{uri}:4: expectations[1].max_value")


def test_the_data_is_read_from_the_store(
    data: Path, s3_bucket: str, options: dict[str, str], tmp_path: Path
) -> None:
    write_bytes(f"s3://{s3_bucket}/s.yaml", SUITE, options)
    write_bytes(f"s3://{s3_bucket}/orders.parquet", data.read_bytes(), options)
    uri = f"s3://{s3_bucket}/orders.parquet"
    remote_out, local_out = tmp_path / "remote.json", tmp_path / "local.json"
    argv = ["-s", f"s3://{s3_bucket}/s.yaml", "-f", "json", "-o"]
    assert _run(["validate", uri, *argv, str(remote_out)], options)[0] == 0
    assert _run(["validate", str(data), *argv, str(local_out)], options)[0] == 0
    remote, local = (json.loads(p.read_text()) for p in (remote_out, local_out))
    assert remote["run"]["data"]["source"] == uri
    assert [r["unexpected_count"] for r in remote["results"]] == [
        r["unexpected_count"] for r in local["results"]
    ]


def test_data_in_a_missing_bucket_is_one_line_and_exit_two(
    data: Path, s3_bucket: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_bytes(f"s3://{s3_bucket}/s.yaml", SUITE, options)
    argv = ["validate", "s3://no-such-bucket/x.parquet", "-s", f"s3://{s3_bucket}/s.yaml"]
    err = _failure(argv, options, capsys)
    assert err == "dataguard: error: s3://no-such-bucket/x.parquet: no such bucket\n"


def test_data_in_a_store_that_never_answers_times_out_in_one_line(
    data: Path, silent_endpoint: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    stuck = {**options, "endpoint_url": silent_endpoint}
    quick = {"connect_timeout": "1", "request_timeout": "1", "max_attempts": "1"}
    err = _failure(["profile", "s3://b/x.parquet", "-o", "p.json"], {**stuck, **quick}, capsys)
    assert err.startswith("dataguard: error: s3://b/x.parquet: timed out")


def _failure(argv: list[str], options: dict[str, str], capsys: pytest.CaptureFixture[str]) -> str:
    code, _ = _run(argv, options)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert err.startswith("dataguard: error: ")
    _secret_free(err)
    return err


def test_a_missing_bucket_is_one_line_and_exit_two(
    data: Path, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    err = _failure(["validate", str(data), "-s", "s3://no-such-bucket/s.yaml"], options, capsys)
    assert err == "dataguard: error: s3://no-such-bucket/s.yaml: no such bucket\n"


def test_refused_credentials_are_one_line_and_exit_two(
    data: Path,
    s3_bucket: str,
    options: dict[str, str],
    s3_checking_credentials: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["validate", str(data), "-s", f"s3://{s3_bucket}/s.yaml"]
    err = _failure([*argv, "--storage-option", "max_attempts=1"], options, capsys)
    assert "access denied" in err


def test_a_store_that_never_answers_times_out_in_one_line(
    data: Path, silent_endpoint: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    stuck = {**options, "endpoint_url": silent_endpoint}
    quick = {"connect_timeout": "1", "request_timeout": "1", "max_attempts": "1"}
    err = _failure(["profile", str(data), "-o", "s3://b/p.json"], {**stuck, **quick}, capsys)
    assert err.startswith("dataguard: error: s3://b/p.json: timed out")


def test_a_history_in_the_store_is_refused(
    data: Path, s3_bucket: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_bytes(f"s3://{s3_bucket}/s.yaml", SUITE, options)
    argv = ["validate", str(data), "-s", f"s3://{s3_bucket}/s.yaml"]
    err = _failure([*argv, "--history", f"s3://{s3_bucket}/h.db"], options, capsys)
    assert "cannot be in an object store" in err


@pytest.mark.parametrize("given", ["endpoint_url", "=value", "SuperSecretWithoutKey"])
def test_a_malformed_storage_option_is_a_usage_error_that_hides_it(
    data: Path, tmp_path: Path, given: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["validate", str(data), "-s", str(tmp_path / "s.yaml"), "--storage-option", given]
    assert main(argv, stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "use KEY=VALUE" in err
    assert "SuperSecret" not in err
    assert err.count("\n") == 1


def test_an_unknown_storage_option_names_the_key_not_its_value(
    data: Path, s3_bucket: str, options: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["validate", str(data), "-s", f"s3://{s3_bucket}/s.yaml"]
    err = _failure([*argv, "--storage-option", "passwd=hunter2"], options, capsys)
    assert "unknown storage option 'passwd'" in err
    assert "hunter2" not in err


def test_a_local_history_writes_its_trend_to_the_store(
    data: Path, tmp_path: Path, s3_bucket: str, options: dict[str, str]
) -> None:
    write_bytes(f"s3://{s3_bucket}/s.yaml", SUITE, options)
    history = str(tmp_path / "runs.db")
    argv = ["validate", str(data), "-s", f"s3://{s3_bucket}/s.yaml", "--history", history]
    assert _run(argv, options)[0] == 0
    trend = f"s3://{s3_bucket}/trend.csv"
    assert _run(["history", history, "-f", "csv", "-o", trend], options) == (0, "")
    assert b"orders.parquet" in _get(trend, options)


@pytest.mark.parametrize(
    "command",
    ["validate", "profile", "drift", "infer", "lint", "diff", "report", "convert", "history"],
)
def test_every_command_with_files_takes_storage_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"], stdout=io.StringIO())
    assert "--storage-option KEY=VALUE" in capsys.readouterr().out
