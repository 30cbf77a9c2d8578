"""Data in an object store (the S3 server of ``conftest``) reads as its local copy does: a
Parquet file, a CSV file and a hive-partitioned dataset give the same results and profiles."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

import dataguard as dg
from dataguard._frame import from_path
from dataguard.expectations import Between, InSet, NotNull, Unique

SUITE = dg.Suite(
    (
        NotNull("amount"),
        Between("amount", min_value=0, max_value=90),
        InSet("status", value_set=["paid", "open"]),
        Unique("id"),
        InSet("year", value_set=[2026], where="amount > 10"),
    )
)


def rows(n: int, start: int) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(start, start + n), pa.int64()),
            "amount": pa.array([None if i % 9 == 0 else float(i % 100) for i in range(n)]),
            "status": pa.array([("paid", "open", "void")[i % 3] for i in range(n)]),
        }
    )


def upload(local: Path, bucket: str, endpoint: str) -> None:
    """Copy every file under ``local`` to the bucket, at the same relative paths."""
    store = pafs.S3FileSystem(
        access_key="testing",
        secret_key="testing",
        region="us-east-1",
        endpoint_override=endpoint.removeprefix("http://"),
        scheme="http",
    )
    pafs.copy_files(str(local), bucket, destination_filesystem=store)


@pytest.fixture
def local(tmp_path: Path) -> Path:
    """A Parquet file, a CSV file and a hive-partitioned dataset (with ``year`` as its key)."""
    whole = rows(300, 0)
    pq.write_table(
        whole.append_column("year", pa.array([2026] * 300, pa.int64())), tmp_path / "one.parquet"
    )
    pcsv.write_csv(whole, tmp_path / "one.csv")
    for year, start in ((2025, 0), (2026, 100)):
        for part in range(2):
            folder = tmp_path / "sales" / f"year={year}"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(rows(50, start + 50 * part), folder / f"part-{part}.parquet")
    return tmp_path


def outcome(data: object) -> list[dict[str, object]]:
    result = dg.validate(data, SUITE, id_columns=["id"], record_history=False)
    return [r.to_dict() for r in result.results]


@pytest.mark.parametrize("name", ["one.parquet", "one.csv", "sales", "sales/*/*.parquet"])
def test_remote_data_validates_and_profiles_as_its_local_copy(
    local: Path, s3_bucket: str, s3_endpoint: str, s3_options: dict[str, str], name: str
) -> None:
    upload(local, s3_bucket, s3_endpoint)
    remote = from_path(f"s3://{s3_bucket}/{name}", storage_options=s3_options)
    here = str(local / name)
    assert remote.description == f"s3://{s3_bucket}/{name}"
    assert outcome(remote) == outcome(here)
    assert dg.profile(remote).to_bytes() == dg.profile(here).to_bytes()


def test_a_remote_dataset_names_its_files(
    local: Path, s3_bucket: str, s3_endpoint: str, s3_options: dict[str, str]
) -> None:
    upload(local, s3_bucket, s3_endpoint)
    data = dg.dataset(f"s3://{s3_bucket}/sales/", storage_options=s3_options)
    result = dg.validate(data, SUITE, record_history=False)
    assert result.run.data.source == f"s3://{s3_bucket}/sales/"
    assert result.run.data.files == tuple(
        f"s3://{s3_bucket}/sales/year={y}/part-{p}.parquet" for y in (2025, 2026) for p in (0, 1)
    )
    assert result.run.data.rows == 200


def test_an_empty_remote_folder_is_an_error_naming_it(
    s3_bucket: str, s3_options: dict[str, str]
) -> None:
    with pytest.raises(dg.InputError, match=rf"^s3://{s3_bucket}/nothing/\*\.parquet: no file"):
        from_path(f"s3://{s3_bucket}/nothing/*.parquet", storage_options=s3_options)
    with pytest.raises(dg.StorageError, match=rf"^s3://{s3_bucket}/absent.parquet: no such file$"):
        from_path(f"s3://{s3_bucket}/absent.parquet", storage_options=s3_options)


def test_a_remote_read_failure_is_one_line_naming_the_uri(s3_options: dict[str, str]) -> None:
    with pytest.raises(dg.StorageError) as raised:
        from_path("s3://no-such-bucket-here/x.parquet", storage_options=s3_options)
    message = str(raised.value)
    assert message == "s3://no-such-bucket-here/x.parquet: no such bucket"
    assert "\n" not in message
    assert "testing" not in message  # never a credential
