"""Locations: local paths and object-store URIs resolved to a file system and a path."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from dataguard._storage import is_remote, resolve
from dataguard.errors import StorageError


def test_a_local_path_resolves_to_the_local_file_system(tmp_path: Path) -> None:
    location = resolve(tmp_path / "x.parquet")
    assert isinstance(location.filesystem, pafs.LocalFileSystem)
    assert location.path == str(tmp_path / "x.parquet")
    assert not location.remote
    assert not is_remote(str(tmp_path))


def test_a_relative_path_is_made_absolute_but_shown_as_given() -> None:
    location = resolve("data/x.csv")
    assert Path(location.path).is_absolute()
    assert location.shown == "data/x.csv"


def test_a_file_uri_is_a_local_path(tmp_path: Path) -> None:
    assert resolve(f"file://{tmp_path}/x.csv").path == f"{tmp_path}/x.csv"


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("s3://bucket/a/b.parquet", "bucket/a/b.parquet"),
        ("S3://bucket/folder/", "bucket/folder"),
        ("gs://bucket/a.csv", "bucket/a.csv"),
    ],
)
def test_an_object_store_uri_resolves_to_bucket_and_key(uri: str, path: str) -> None:
    location = resolve(uri, {"anonymous": "true"})
    assert location.path == path
    assert location.remote
    assert is_remote(uri)


def test_an_azure_uri_takes_its_account_from_the_host() -> None:
    location = resolve("abfs://data@myaccount.dfs.core.windows.net/x/y.parquet")
    assert isinstance(location.filesystem, pafs.AzureFileSystem)
    assert location.path == "data/x/y.parquet"


@pytest.mark.parametrize(
    ("uri", "options", "message"),
    [
        ("ftp://host/x.csv", {}, "unknown storage scheme 'ftp'"),
        ("s3:///x.csv", {}, "no bucket"),
        ("s3://b/x.csv", {"colour": "blue"}, "unknown storage option 'colour'"),
        ("s3://b/x.csv", {"access_key_id": "AKIA"}, "go together"),
        ("s3://b/x.csv", {"anonymous": "maybe"}, "true or false"),
        ("s3://b/x.csv", {"request_timeout": "-1"}, "above 0"),
        ("s3://b/x.csv", {"endpoint_url": "ftp://h"}, "http(s) URL"),
        ("abfs://container/x.csv", {}, "needs the storage account"),
        ("x.csv", {"region": "eu"}, "object-store URIs only"),
    ],
)
def test_a_bad_location_or_option_is_a_storage_error(
    uri: str, options: dict[str, str], message: str
) -> None:
    with pytest.raises(StorageError, match="^" + uri.replace("(", r"\(")) as caught:
        resolve(uri, options)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_option_value_is_never_shown() -> None:
    with pytest.raises(StorageError) as caught:
        resolve("s3://b/x.csv", {"secret": "hunter2", "bogus": "hunter3"})
    assert "hunter" not in str(caught.value)


def test_options_reach_a_real_s3_server(s3_bucket: str, s3_options: dict[str, str]) -> None:
    location = resolve(f"s3://{s3_bucket}/t.parquet", s3_options)
    pq.write_table(pa.table({"a": [1, 2]}), location.path, filesystem=location.filesystem)
    assert pq.read_table(location.path, filesystem=location.filesystem)["a"].to_pylist() == [1, 2]


@pytest.mark.parametrize(
    "uri",
    [
        "s3://AKIAKEY:hunter2@bucket/x.csv",
        "gs://token@bucket/x.csv",
        "abfs://container:hunter2@account.dfs.core.windows.net/x.csv",
    ],
)
def test_credentials_in_a_uri_are_refused_without_showing_them(uri: str) -> None:
    with pytest.raises(StorageError, match="give credentials as storage options") as caught:
        resolve(uri)
    assert "hunter2" not in str(caught.value)
    assert "token@" not in str(caught.value)
