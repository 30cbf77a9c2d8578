"""Webhook notifications, against a real HTTP server on 127.0.0.1: payloads, when posts are
made, and failed posts that warn without a secret and never change the exit code."""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations import Between, NotNull
from dataguard.notify import (
    MOST_LISTED,
    NotificationError,
    notify,
    post_summary,
    redacted,
    summary,
    webhook_url,
)

#: The secret part of a webhook URL, as Slack puts it in the path and others in the query.
SECRET_PATH = "/services/T000/B000/s3cr3tT0ken"
SECRET_QUERY = "?sig=hunter2"

SUITE = """\
name: orders
expectations:
  - {type: not_null, column: id}
  - {type: between, column: amount, min_value: 0, max_value: 100}
  - {type: in_set, column: status, value_set: [new, done], severity: warning}
"""


class QuietServer(ThreadingHTTPServer):
    """A local server that does not print the broken pipe of a client that gave up waiting
    (the slow webhook test's)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class Webhook:
    """A local webhook: what it received, and how it answers."""

    server: QuietServer
    status: int = 200
    delay: float = 0.0
    #: Called with each request's path when it arrives (before the answer).
    on_request: Callable[[str], None] | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = SECRET_PATH + SECRET_QUERY) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


def _handler(hook: Callable[[], Webhook]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            webhook = hook()
            length = int(self.headers["Content-Length"])
            body = self.rfile.read(length)
            if webhook.on_request is not None:
                webhook.on_request(self.path)
            webhook.received.append(
                {
                    "path": self.path,
                    "content_type": self.headers["Content-Type"],
                    "json": json.loads(body),
                }
            )
            if webhook.delay:
                webhook.release.wait(webhook.delay)  # the test's teardown ends the wait
            self.send_response(webhook.status)
            if 300 <= webhook.status < 400:
                self.send_header("Location", f"http://127.0.0.1:1{SECRET_PATH}")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test's stderr for dataguard's own warnings

    return Handler


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Posts go straight to the local webhook, whatever proxy the machine running the tests
    sets (urllib reads the proxy variables)."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def webhooks() -> Iterator[Callable[[], Webhook]]:
    """A factory of local webhooks, each on its own ephemeral port, all stopped at the end."""
    started: list[Webhook] = []

    def start() -> Webhook:
        holder: list[Webhook] = []
        server = QuietServer(("127.0.0.1", 0), _handler(lambda: holder[0]))
        holder.append(Webhook(server))
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        started.append(holder[0])
        return holder[0]

    yield start
    for webhook in started:
        webhook.release.set()
        webhook.server.shutdown()
        webhook.server.server_close()


@pytest.fixture
def webhook(webhooks: Callable[[], Webhook]) -> Webhook:
    return webhooks()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, stdout=out), out.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Failing data (8 amounts out of range, a null id), passing data, and the suite."""
    amount = np.arange(100, dtype=float)
    amount[:8] = -1.0
    ids = pd.array([None, *range(1, 100)], dtype="Int64")
    status = ["new"] * 97 + ["<!channel> & lost"] * 3
    paths = {
        "bad": tmp_path / "bad.parquet",
        "good": tmp_path / "good.parquet",
        "suite": tmp_path / "suite.yaml",
    }
    pd.DataFrame({"id": ids, "amount": amount, "status": status}).to_parquet(paths["bad"])
    good = pd.DataFrame({"id": range(100), "amount": np.arange(100.0), "status": ["new"] * 100})
    good.to_parquet(paths["good"])
    paths["suite"].write_text(SUITE)
    return paths


def validate_args(files: dict[str, Path], data: str, *urls: str) -> list[str]:
    notify_args = [arg for url in urls for arg in ("--notify", url)]
    return ["validate", str(files[data]), "--suite", str(files["suite"]), *notify_args]


def test_failed_validation_posts_a_compact_summary(
    files: dict[str, Path], webhook: Webhook, tmp_path: Path
) -> None:
    output = tmp_path / "result.json"
    written: list[bool] = []
    webhook.on_request = lambda path: written.append(output.exists())
    quiet, _ = run([*validate_args(files, "bad"), "--format", "json", "-o", str(output)])
    output.unlink()
    code, _ = run(
        [*validate_args(files, "bad", webhook.url()), "--format", "json", "-o", str(output)]
    )
    assert code == quiet == 1
    assert written == [True]  # posted after the outputs were written
    [request] = webhook.received
    assert request["path"] == SECRET_PATH + SECRET_QUERY
    assert request["content_type"] == "application/json"
    payload = request["json"]
    assert payload["kind"] == "validation"
    assert payload["verdict"] == "FAILED"
    assert payload["failed"] is True
    assert payload["suite"] == "orders"
    assert payload["dataset"].endswith("bad.parquet")
    assert payload["counts"]["evaluated"] == 3
    assert payload["counts"]["failed"] == 3
    assert payload["counts"]["failed_by_severity"] == {"error": 2, "warning": 1, "info": 0}
    assert [f["expectation"] for f in payload["failures"]] == ["not_null", "between", "in_set"]
    assert payload["failures"][-1]["severity"] == "warning"  # those failing the run first
    assert payload["more_failures"] == 0
    assert payload["fingerprints"]["suite"]
    assert payload["fingerprints"]["data_schema"]
    assert payload["dataguard_version"] == dg.__version__
    assert payload["time"].startswith("20")
    text = payload["text"]
    assert text.startswith("dataguard: FAILED suite 'orders' on ")
    assert "• not_null [id]" in text
    assert "• between [amount]: 8 unexpected" in text


def test_posts_only_on_failure_unless_always(files: dict[str, Path], webhook: Webhook) -> None:
    assert run(validate_args(files, "good", webhook.url()))[0] == 0
    assert webhook.received == []
    code, _ = run([*validate_args(files, "good", webhook.url()), "--notify-on", "always"])
    assert code == 0
    [request] = webhook.received
    assert request["json"]["verdict"] == "PASSED"
    assert request["json"]["failures"] == []
    assert request["json"]["text"].startswith("dataguard: PASSED")


def test_fail_on_warning_decides_what_a_failure_is(
    files: dict[str, Path], webhook: Webhook, tmp_path: Path
) -> None:
    warned = tmp_path / "warned.parquet"
    frame = pd.read_parquet(files["good"]).assign(status=["lost"] + ["new"] * 99)
    frame.to_parquet(warned)
    files = {**files, "warned": warned}
    assert run(validate_args(files, "warned", webhook.url()))[0] == 0
    assert webhook.received == []  # a warning does not fail the run at --fail-on error
    code, _ = run([*validate_args(files, "warned", webhook.url()), "--fail-on", "warning"])
    assert code == 1
    assert webhook.received[0]["json"]["verdict"] == "FAILED"


def test_every_notify_url_gets_the_summary(
    files: dict[str, Path], webhooks: Callable[[], Webhook]
) -> None:
    first, second = webhooks(), webhooks()
    code, _ = run(validate_args(files, "bad", first.url("/a"), second.url("/b?x=1")))
    assert code == 1
    assert [r["path"] for r in first.received] == ["/a"]
    assert [r["path"] for r in second.received] == ["/b?x=1"]
    assert first.received[0]["json"] == second.received[0]["json"]


def assert_one_safe_warning(stderr: str, origin: str) -> None:
    """One warning line naming the webhook by scheme, host and port only."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("dataguard: warning: notification not sent: " + origin)
    for secret in ("s3cr3t", "T000", "/services", "hunter2", "sig="):
        assert secret not in stderr


@pytest.mark.parametrize("status", [500, 404, 302])
def test_an_error_answer_is_one_warning(
    files: dict[str, Path],
    webhook: Webhook,
    status: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    webhook.status = status
    code, _ = run(validate_args(files, "bad", webhook.url()))
    assert code == 1
    stderr = capsys.readouterr().err
    assert_one_safe_warning(stderr, webhook.origin)
    assert f"HTTP {status}" in stderr
    assert len(webhook.received) == 1  # no retry, and the redirect was not followed


@pytest.mark.parametrize(("data", "expected"), [("bad", 1), ("good", 0)])
def test_a_slow_webhook_times_out_with_a_warning(
    files: dict[str, Path],
    webhook: Webhook,
    data: str,
    expected: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    webhook.delay = 30.0
    argv = [*validate_args(files, data, webhook.url()), "--notify-on", "always"]
    code, _ = run([*argv, "--notify-timeout", "0.2"])
    assert code == expected
    stderr = capsys.readouterr().err
    assert_one_safe_warning(stderr, webhook.origin)
    assert "no answer within 0.2 s" in stderr


def test_an_unreachable_webhook_is_a_warning(
    files: dict[str, Path], closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port}{SECRET_PATH}{SECRET_QUERY}"
    code, _ = run(validate_args(files, "bad", url))
    assert code == 1
    assert_one_safe_warning(capsys.readouterr().err, f"http://127.0.0.1:{closed_port}")


def test_one_failed_webhook_does_not_stop_the_others(
    files: dict[str, Path], webhook: Webhook, closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{closed_port}{SECRET_PATH}"
    code, _ = run(validate_args(files, "bad", dead, webhook.url()))
    assert code == 1
    assert len(webhook.received) == 1
    assert_one_safe_warning(capsys.readouterr().err, f"http://127.0.0.1:{closed_port}")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "hooks.slack.com/services/T000/B000/s3cr3t",
        "http:///services/s3cr3t",
        "https://example.com:99999/services/s3cr3t",
    ],
)
def test_a_webhook_that_is_not_http_is_a_usage_error(
    files: dict[str, Path], url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(validate_args(files, "bad", url))[0] == 2
    stderr = capsys.readouterr().err
    assert stderr.count("\n") == 1
    assert "webhook URL" in stderr
    assert "s3cr3t" not in stderr
    assert "passwd" not in stderr


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "nan", "inf"])
def test_notify_timeout_must_be_positive(files: dict[str, Path], timeout: str) -> None:
    argv = [*validate_args(files, "good", "http://127.0.0.1:1/x"), "--notify-timeout", timeout]
    assert run(argv)[0] == 2


@pytest.fixture
def drift_files(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(3)
    n = 2_000
    reference = pd.DataFrame({"amount": rng.normal(size=n), "stable": rng.random(n)})
    same = pd.DataFrame({"amount": rng.normal(size=n), "stable": rng.random(n)})
    paths = {
        "reference": tmp_path / "ref.parquet",
        "same": tmp_path / "same.parquet",
        "shifted": tmp_path / "shifted.parquet",
    }
    reference.to_parquet(paths["reference"])
    same.to_parquet(paths["same"])
    same.assign(amount=same["amount"] + 0.5).to_parquet(paths["shifted"])
    return paths


def test_drift_posts_the_drifted_columns(
    drift_files: dict[str, Path], webhook: Webhook, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = str(drift_files["reference"])
    base = ["drift", "--reference", reference, "--notify", webhook.url()]
    assert run([*base, str(drift_files["same"])])[0] == 0
    assert webhook.received == []
    for extra, expected in (([], 0), (["--fail-on-drift"], 1)):
        assert run([*base, str(drift_files["shifted"]), *extra])[0] == expected
    first, second = (r["json"] for r in webhook.received)
    assert first["kind"] == "drift"
    assert first["verdict"] == "DRIFT"
    assert first["failed"]
    assert [c["column"] for c in first["drifted_columns"]] == ["amount"]
    assert first["counts"]["columns"] == 2
    assert first["counts"]["drifted"] == 1
    assert first["dataset"] == str(drift_files["shifted"])
    assert first["text"].startswith(
        f"dataguard: DRIFT on {drift_files['shifted']}: 1 of 2 columns drifted\n• amount: ks"
    )
    assert first["counts"] == second["counts"]
    assert capsys.readouterr().err == ""


# The Python API.


def failing_result(columns: int) -> dg.ValidationResult:
    frame = {f"c{i}": [None, 1.0] for i in range(columns)}
    suite = dg.Suite([NotNull(f"c{i}") for i in range(columns)])
    return dg.validate(frame, suite)


def test_summary_lists_the_first_failures_and_counts_the_rest() -> None:
    payload = summary(failing_result(MOST_LISTED + 3), dataset="daily")
    assert len(payload["failures"]) == MOST_LISTED
    assert payload["more_failures"] == 3
    assert payload["dataset"] == "daily"
    assert payload["text"].endswith("… and 3 more failures")
    assert payload["text"].count("\n•") == MOST_LISTED
    json.dumps(payload, allow_nan=False)  # JSON-ready, no NaN


def test_summary_text_cannot_make_slack_links_or_mentions() -> None:
    column = "<!channel|x> & <https://evil.example|click>"
    result = dg.validate({column: [-1.0]}, dg.Suite([Between(column, min_value=0)]))
    text = summary(result, dataset="<@U123>")["text"]
    assert "<" not in text
    assert ">" not in text
    assert "&lt;!channel|x&gt; &amp; &lt;https://evil.example|click&gt;" in text
    assert "&lt;@U123&gt;" in text


def test_post_summary_raises_a_redacted_error(webhook: Webhook) -> None:
    webhook.status = 503
    with pytest.raises(NotificationError, match="answered HTTP 503") as caught:
        post_summary(failing_result(1), webhook.url())
    assert str(caught.value).startswith(webhook.origin)
    assert "s3cr3t" not in str(caught.value)
    assert isinstance(caught.value, dg.DataguardError)


def test_notify_returns_warnings_and_posts_once_per_url(
    webhooks: Callable[[], Webhook], closed_port: int
) -> None:
    first, second = webhooks(), webhooks()
    warnings = notify(
        failing_result(1),
        [first.url(), f"http://127.0.0.1:{closed_port}/x", second.url()],
        timeout=2.0,
    )
    assert len(first.received) == len(second.received) == 1
    assert len(warnings) == 1
    assert warnings[0].startswith(f"notification not sent: http://127.0.0.1:{closed_port}:")
    passed = dg.validate({"a": [1]}, dg.Suite([NotNull("a")]))
    assert notify(passed, [first.url()]) == []
    assert notify(passed, [first.url()], on="always") == []
    assert len(first.received) == 2


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/XXXX", "https://hooks.slack.com"),
        ("https://user:pass@example.com:8443/p?q=1#f", "https://example.com:8443"),
        ("http://[::1]:8080/secret", "http://[::1]:8080"),
    ],
)
def test_redacted_keeps_only_scheme_host_and_port(url: str, shown: str) -> None:
    assert redacted(url) == shown
    assert webhook_url(url) == url


def test_drift_by_group_posts_the_drifted_groups(
    drift_files: dict[str, Path], webhook: Webhook, tmp_path: Path
) -> None:
    groups = np.resize(np.array(["x", "<y>"]), 2_000)
    paths = {}
    for name in ("reference", "shifted"):
        frame = pd.read_parquet(drift_files[name]).assign(region=groups)
        paths[name] = tmp_path / f"{name}-regions.parquet"
        frame.to_parquet(paths[name])
    argv = ["drift", str(paths["shifted"]), "-r", str(paths["reference"]), "--group-by", "region"]
    assert run([*argv, "--notify", webhook.url(), "--fail-on-drift"])[0] == 1
    [request] = webhook.received
    payload = request["json"]
    assert payload["kind"] == "drift_by_group"
    assert payload["counts"]["drifted_groups"] == 2
    assert sorted(g["group"]["region"] for g in payload["drifted_groups"]) == ["<y>", "x"]
    assert "region=&lt;y&gt;: amount" in payload["text"]


def test_a_result_by_group_names_its_group() -> None:
    frame = {"carrier": ["AA", "AA", "<DL>"], "delay": [1.0, -1.0, -2.0]}
    suite = dg.Suite([Between("delay", min_value=0, group_by=("carrier",))])
    payload = summary(dg.validate(frame, suite))
    assert sorted(f["group"]["carrier"] for f in payload["failures"]) == ["<DL>", "AA"]
    assert "• between (carrier=AA) [delay]: 1 unexpected (50%)" in payload["text"]
    assert "(carrier=&lt;DL&gt;)" in payload["text"]
