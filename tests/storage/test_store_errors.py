"""What a store's failures say: one line naming the URI as given, never a credential."""

from __future__ import annotations

import pyarrow.fs as pafs
import pytest

from dataguard._storage import reaching, read_bytes, resolve, storage_error, write_bytes
from dataguard.errors import DataguardError, StorageError

#: Storage options that fail fast: one attempt, one second to connect and to answer.
FAST = {"connect_timeout": "1", "request_timeout": "1", "max_attempts": "1"}


def _read_error(uri: str, options: dict[str, str]) -> str:
    with pytest.raises(StorageError) as caught:
        read_bytes(resolve(uri, options), 1024)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{uri}: ")
    return message


def test_a_missing_object_is_no_such_file(s3_bucket: str, s3_options: dict[str, str]) -> None:
    assert _read_error(f"s3://{s3_bucket}/absent.yaml", s3_options).endswith(": no such file")


def test_a_missing_bucket_is_named_as_such(s3_options: dict[str, str]) -> None:
    message = _read_error("s3://no-such-bucket/suite.yaml", s3_options)
    assert message.endswith(": no such bucket")


def test_writing_into_a_missing_bucket_is_named_as_such(s3_options: dict[str, str]) -> None:
    with pytest.raises(StorageError, match=r"^s3://no-such-bucket/out.json: no such bucket$"):
        write_bytes("s3://no-such-bucket/out.json", "{}", s3_options)


def test_a_folder_is_not_a_file(s3_bucket: str, s3_options: dict[str, str]) -> None:
    write_bytes(f"s3://{s3_bucket}/folder/a.json", "{}", s3_options)
    assert _read_error(f"s3://{s3_bucket}/folder", s3_options).endswith("not a file")


def test_refused_credentials_say_access_denied_and_never_show_a_key(
    s3_bucket: str, s3_options: dict[str, str], s3_checking_credentials: str
) -> None:
    options = {**s3_options, "access_key_id": "AKIAWRONGKEY", "secret_access_key": "hunter2"}
    message = _read_error(f"s3://{s3_bucket}/data.csv", {**options, **FAST})
    assert "access denied" in message
    assert "AKIAWRONGKEY" not in message
    assert "hunter2" not in message
    with pytest.raises(StorageError, match="access denied") as caught:
        write_bytes(f"s3://{s3_bucket}/out.json", "{}", options)
    assert "hunter2" not in str(caught.value)


def test_a_server_that_never_answers_times_out(silent_endpoint: str) -> None:
    options = {"endpoint_url": silent_endpoint, "anonymous": "true", **FAST}
    assert "timed out" in _read_error("s3://bucket/data.csv", options)


def test_an_endpoint_nobody_listens_on_cannot_be_connected_to(closed_endpoint: str) -> None:
    options = {"endpoint_url": closed_endpoint, "anonymous": "true", **FAST}
    assert "cannot connect" in _read_error("s3://bucket/data.csv", options)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "When reading information for key 'k' in bucket 'b': AWS Error ACCESS_DENIED during "
            "HeadObject operation: No response body.",
            "access denied",
        ),
        (
            "google::cloud::Status(PERMISSION_DENIED: Permission 'storage.objects.get' denied)",
            "access denied",
        ),
        ("GetProperties failed: 403 This request is not authorized", "access denied"),
        ("AzureError: 403 Forbidden AuthenticationFailed", "access denied"),
        ("google::cloud::Status(DEADLINE_EXCEEDED: Retry policy exhausted)", "timed out"),
        ("google::cloud::Status(UNAVAILABLE: Connection refused)", "cannot connect"),
    ],
)
def test_other_stores_words_are_read_the_same_way(text: str, problem: str) -> None:
    location = resolve("gs://bucket/x.csv", {"anonymous": "true"})
    message = str(storage_error(location, OSError(text)))
    assert message.startswith(f"gs://bucket/x.csv: {problem}")


def test_an_unknown_failure_keeps_the_stores_words_without_ids_or_url_queries() -> None:
    location = resolve("abfs://c@acct.dfs.core.windows.net/x.csv")
    error = OSError(
        "Request failed (Request ID: ABC123)\nGET https://acct.blob.core.windows.net/c/x.csv"
        "?sv=2024&sig=SECRETSIG returned 500"
    )
    message = str(storage_error(location, error))
    assert "\n" not in message
    assert "ABC123" not in message
    assert "SECRETSIG" not in message
    assert message.startswith("abfs://c@acct.dfs.core.windows.net/x.csv: cannot reach the file")


def test_reaching_leaves_dataguards_own_errors_alone(tmp_path: object) -> None:
    location = resolve("s3://bucket/x.csv", {"anonymous": "true"})
    own = DataguardError("already said")
    with pytest.raises(DataguardError) as caught, reaching(location):
        raise own
    assert caught.value is own


def test_a_local_file_is_named_as_given(tmp_path: object) -> None:
    location = resolve("missing/suite.yaml")
    with pytest.raises(StorageError, match=r"^missing/suite.yaml: no such file$"):
        read_bytes(location, 10)


def test_the_retry_strategy_takes_max_attempts() -> None:
    with pytest.raises(StorageError, match="whole number above 0"):
        resolve("s3://bucket/x", {"max_attempts": "0"})
    assert isinstance(resolve("s3://bucket/x", {"retries": "5"}).filesystem, pafs.S3FileSystem)


def test_aws_endpoint_url_from_the_environment_is_honoured(
    s3_bucket: str, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    write_bytes(f"s3://{s3_bucket}/env.txt", "from the environment")
    assert read_bytes(resolve(f"s3://{s3_bucket}/env.txt"), 100) == b"from the environment"
