"""Suites, profiles, reports and other outputs read from and written to an object store."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pyarrow.fs as pafs
import pytest

import dataguard as dg
from dataguard._storage import beside, folder_of, read_bytes, resolve, within, write_bytes
from dataguard.expectations import Between, NotNull
from dataguard.inference import write_draft
from dataguard.profile import load_grouped_profile
from dataguard.report import load_document

SUITE = """\
name: orders
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0, max_value: 100}
"""

ORDERS = pd.DataFrame({"id": [1, 2, 3, 4], "amount": [5.0, 20.0, 35.5, 99.0], "day": list("aabb")})


def _get(uri: str, options: dict[str, str]) -> bytes:
    return read_bytes(resolve(uri, options), 1 << 26)


def test_a_suite_is_read_from_a_uri(s3_bucket: str, s3_options: dict[str, str]) -> None:
    uri = f"s3://{s3_bucket}/suites/orders.yaml"
    write_bytes(uri, SUITE, s3_options)
    suite = dg.load_suite(uri, storage_options=s3_options)
    assert suite.name == "orders"
    assert dg.validate(ORDERS, suite).passed


def test_a_suite_error_names_the_uri_and_line(s3_bucket: str, s3_options: dict[str, str]) -> None:
    uri = f"s3://{s3_bucket}/bad.yaml"
    write_bytes(uri, SUITE.replace("max_value: 100", "max_value: lots"), s3_options)
    with pytest.raises(dg.SuiteError) as caught:
        dg.load_suite(uri, storage_options=s3_options)
    assert str(caught.value).startswith(f"{uri}:4: expectations[1].max_value")


def test_a_json_suite_is_read_as_json(s3_bucket: str, s3_options: dict[str, str]) -> None:
    uri = f"s3://{s3_bucket}/orders.json"
    suite = dg.Suite([NotNull("id"), Between("amount", min_value=0)], name="j")
    assert suite.dump(uri, storage_options=s3_options) == uri
    assert json.loads(_get(uri, s3_options))["name"] == "j"
    assert dg.load_suite(uri, storage_options=s3_options) == suite


def test_a_missing_suite_is_one_line(s3_bucket: str, s3_options: dict[str, str]) -> None:
    with pytest.raises(dg.StorageError, match=rf"^s3://{s3_bucket}/none.yaml: no such file$"):
        dg.load_suite(f"s3://{s3_bucket}/none.yaml", storage_options=s3_options)


@pytest.mark.parametrize("name", ["reference.json", "reference.json.gz"])
def test_a_profile_round_trips_through_the_store(
    s3_bucket: str, s3_options: dict[str, str], name: str
) -> None:
    uri = f"s3://{s3_bucket}/profiles/{name}"
    made = dg.profile(ORDERS)
    assert made.save(uri, storage_options=s3_options) == uri
    raw = _get(uri, s3_options)
    assert raw == made.to_bytes(compress=name.endswith(".gz"))
    # Stored as written: not compressed again for its name (pyarrow's default), so any tool
    # reading the object gets the profile file.
    location = resolve(uri, s3_options)
    with location.filesystem.open_input_stream(location.path, compression=None) as stream:
        stored = stream.read()
    assert stored == raw
    assert json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)["format_version"]
    assert dg.load_profile(uri, storage_options=s3_options).to_bytes() == made.to_bytes()


def test_a_profile_by_group_round_trips_through_the_store(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    uri = f"s3://{s3_bucket}/by-day.json"
    made = dg.profile(ORDERS, group_by=["day"])
    made.save(uri, storage_options=s3_options)
    assert load_grouped_profile(uri, storage_options=s3_options).to_bytes() == made.to_bytes()


def test_reports_and_results_are_written_and_read_back(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    result = dg.validate(ORDERS, dg.Suite([NotNull("id")]))
    html = f"s3://{s3_bucket}/reports/run.html"
    assert dg.write_report(result, html, storage_options=s3_options) == html
    assert _get(html, s3_options).startswith(b"<!DOCTYPE html>")
    saved = f"s3://{s3_bucket}/results/run.json.gz"
    write_bytes(saved, gzip.compress(result.to_json().encode()), s3_options)
    assert load_document(saved, storage_options=s3_options)["passed"] is True


def test_a_write_replaces_the_whole_object(s3_bucket: str, s3_options: dict[str, str]) -> None:
    uri = f"s3://{s3_bucket}/out.txt"
    write_bytes(uri, "a long first version\n" * 100, s3_options)
    write_bytes(uri, "short", s3_options)
    assert _get(uri, s3_options) == b"short"


def test_no_drift_reads_its_reference_beside_the_suite(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    rng = np.random.default_rng(18)
    reference = pd.DataFrame({"amount": rng.normal(50, 10, 2000)})
    current = pd.DataFrame({"amount": rng.normal(50, 10, 2000)})
    shifted = pd.DataFrame({"amount": rng.normal(80, 10, 2000)})
    profile_uri = f"s3://{s3_bucket}/profiles/orders.json"
    dg.profile(reference).save(profile_uri, storage_options=s3_options)
    suite_uri = f"s3://{s3_bucket}/suites/orders.yaml"
    write_bytes(
        suite_uri,
        "expectations:\n  - {type: no_drift, column: amount, reference: ../profiles/orders.json}\n",
        s3_options,
    )
    suite = dg.load_suite(suite_uri, storage_options=s3_options)
    assert dg.validate(current, suite).passed
    assert not dg.validate(shifted, suite).passed


def test_a_missing_reference_beside_the_suite_is_named_by_its_uri(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    suite_uri = f"s3://{s3_bucket}/suite.yaml"
    write_bytes(
        suite_uri,
        "expectations:\n  - {type: no_drift, column: amount, reference: ref.json}\n",
        s3_options,
    )
    suite = dg.load_suite(suite_uri, storage_options=s3_options)
    with pytest.raises(dg.StorageError, match=rf"^s3://{s3_bucket}/ref.json: no such file$"):
        dg.validate(ORDERS, suite)


def test_a_suites_tables_are_named_beside_its_uri(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    uri = f"s3://{s3_bucket}/suites/x.yaml"
    write_bytes(
        uri,
        "tables: {planes: ../data/planes.parquet, local: /srv/p.csv, far: gs://b/p.csv}\n"
        "expectations: []\n",
        s3_options,
    )
    suite = dg.load_suite(uri, storage_options=s3_options)
    assert suite.table_paths() == {
        "planes": f"s3://{s3_bucket}/data/planes.parquet",
        "local": "/srv/p.csv",
        "far": "gs://b/p.csv",
    }
    assert suite.storage_options == s3_options
    assert "secret" not in repr(suite)


def test_paths_beside_a_uri() -> None:
    assert folder_of("s3://b/a/b/suite.yaml") == "s3://b/a/b"
    assert folder_of("s3://b/suite.yaml") == "s3://b"
    assert beside("s3://b/a", "../../../x.json") == "s3://b/x.json"
    assert beside("s3://b/a", "s3://c/y.json") == "s3://c/y.json"
    folder = resolve("s3://b/a", {"anonymous": "true"})
    assert within(folder, "p/q.json").path == "b/a/p/q.json"
    same_store = within(folder, "s3://c/y.json")
    assert same_store.filesystem is folder.filesystem
    assert same_store.path == "c/y.json"
    assert isinstance(within(folder, "/tmp/z.json").filesystem, pafs.LocalFileSystem)


def test_an_inferred_suite_and_its_profile_are_written_to_the_store(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    uri = f"s3://{s3_bucket}/drafts/orders.yaml"
    said = write_draft(
        ORDERS, uri, name="orders", profile="orders.json", storage_options=s3_options
    )
    assert f"into {uri}" in said
    assert f"reference profile: s3://{s3_bucket}/drafts/orders.json" in said
    suite = dg.load_suite(uri, storage_options=s3_options)
    assert dg.validate(ORDERS, suite).passed  # its no_drift checks read the profile beside it


def test_a_history_cannot_be_in_an_object_store(s3_bucket: str) -> None:
    with pytest.raises(dg.HistoryError, match="cannot be in an object store"):
        dg.validate(ORDERS, dg.Suite([NotNull("id")]), history=f"s3://{s3_bucket}/h.db")
    with pytest.raises(dg.HistoryError, match="cannot be in an object store"):
        dg.build_site(f"s3://{s3_bucket}/h.db", "site")


def test_a_site_is_built_in_a_local_folder(tmp_path: object, s3_bucket: str) -> None:
    from dataguard.site import render_site

    with pytest.raises(dg.StorageError, match="local folder"):
        render_site([], f"s3://{s3_bucket}/site", source="h.db")
