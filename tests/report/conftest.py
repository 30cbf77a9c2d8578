"""A headless Chromium driven over the DevTools protocol on a pipe, with no driver library.

Chromium started with ``--remote-debugging-pipe`` reads protocol messages from fd 3 and writes
to fd 4, each a JSON object ended by a NUL byte. That is all the client below needs: send a
command, wait for its answer, and keep every event on the way (console messages, exceptions,
network requests) for the tests to inspect. Debian's ``chromium`` package provides the browser;
``.ci/run`` installs it. Without it the browser tests skip, unless
``DATAGUARD_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes a missing browser an error.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import itertools
import json
import os
import select
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Longest wait for one answer or event; only a guard against a hung browser, never a check.
PROTOCOL_TIMEOUT = 60.0
VIEWPORT = {"width": 1280, "height": 900}
#: Where screenshots go (gitignored); CI keeps them as artifacts.
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """The browser to drive: $DATAGUARD_CHROMIUM, else the first Chromium on PATH."""
    explicit = os.environ.get("DATAGUARD_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class ProtocolError(RuntimeError):
    """The browser answered a command with an error, or stopped answering."""


class Chromium:
    """One headless browser process and a flat DevTools session on one page."""

    def __init__(self, executable: str, profile: Path) -> None:
        commands_read, commands_write = os.pipe()
        events_read, events_write = os.pipe()
        # Move the child's ends above fd 4, so the dup2s onto 3 and 4 cannot clobber them.
        child_in = fcntl.fcntl(commands_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(events_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(commands_read)
        os.close(events_write)
        self.log = profile / "chromium.log"
        argv = [executable, *FLAGS, f"--user-data-dir={profile / 'user-data'}", "about:blank"]
        try:
            self.pid = os.posix_spawn(
                executable,
                argv,
                dict(os.environ),
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, str(self.log), os.O_WRONLY | os.O_CREAT, 0o644),
                    (os.POSIX_SPAWN_DUP2, 1, 2),
                    (os.POSIX_SPAWN_DUP2, child_in, 3),
                    (os.POSIX_SPAWN_DUP2, child_out, 4),
                ],
            )
        finally:
            os.close(child_in)
            os.close(child_out)
        self._write = commands_write
        self._read = events_read
        self._buffer = b""
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.session = ""
        self._attach()

    # -- the wire ---------------------------------------------------------------------------

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(remaining, 0))
            if not ready:
                raise ProtocolError(f"no message from Chromium within {PROTOCOL_TIMEOUT} s")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ProtocolError(f"Chromium closed the pipe; see {self.log}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def send(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> Any:
        """Send a command (to the page's session, or to the browser) and return its result."""
        ident = next(self._ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + PROTOCOL_TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise ProtocolError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        """Wait for the next event called ``method`` (events already received count)."""
        for index, event in enumerate(self.events):
            if event["method"] == method and not event.get("_seen"):
                event["_seen"] = True
                return self.events[index]
        deadline = time.monotonic() + PROTOCOL_TIMEOUT
        while True:
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    message["_seen"] = True
                    return message

    def _attach(self) -> None:
        targets = self.send("Target.getTargets", page=False)["targetInfos"]
        pages = [t["targetId"] for t in targets if t["type"] == "page"]
        target = (
            pages[0]
            if pages
            else self.send("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        )
        self.session = self.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, page=False
        )["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {**VIEWPORT, "deviceScaleFactor": 1, "mobile": False},
        )

    # -- what the tests use -----------------------------------------------------------------

    def open(self, url: str) -> None:
        """Load ``url`` and wait for its load event; events from earlier pages are dropped."""
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (DevTools, not the page's own
        scripts: the report's policy forbids those)."""
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise ProtocolError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element matching ``selector``."""
        box = self.evaluate(
            "(() => { const e = document.querySelector(" + json.dumps(selector) + ");"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1},
            )

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and failed loads since ``open``."""
        found = []
        for event in self.events:
            method, params = event["method"], event["params"]
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning"):
                found.append(f"console.{params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"{params['entry']['source']}: {params['entry']['text']}")
            elif method == "Network.loadingFailed":
                found.append(f"failed to load: {params.get('errorText')}")
        return found

    def requests(self) -> list[str]:
        """URLs the page asked for since ``open``."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def screenshot(self, path: Path, max_height: int = 8000) -> Path:
        """A PNG of the whole page (up to ``max_height`` CSS pixels tall)."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {
            "x": 0,
            "y": 0,
            "width": VIEWPORT["width"],
            "height": min(max(size["height"], 1), max_height),
            "scale": 1,
        }
        data = self.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
        )["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Ask the browser to quit, and make sure it did."""
        with contextlib.suppress(ProtocolError, OSError):
            self.send("Browser.close", page=False)
        os.close(self._write)
        os.close(self._read)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """A headless Chromium shared by the browser tests (skips when none is installed)."""
    executable = find_chromium()
    if executable is None:
        if os.environ.get("DATAGUARD_REQUIRE_BROWSER") == "1":
            pytest.fail("DATAGUARD_REQUIRE_BROWSER=1 but no Chromium is installed")
        pytest.skip("no Chromium installed (Debian: apt-get install chromium); .ci/run installs it")
    browser = Chromium(executable, tmp_path_factory.mktemp("chromium"))
    try:
        yield browser
    finally:
        browser.close()


#: The XSS probes of issue 4: a column name and a value that would run script if not escaped.
SCRIPT_NAME = "<script>alert(1)</script>"
IMG_VALUE = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="session")
def hostile() -> dict[str, Any]:
    """A validation result, a drift report and a profile whose names and values are XSS probes."""
    import numpy as np
    import pandas as pd

    import dataguard as dg
    from dataguard.expectations import Between, InSet, NotNull

    rng = np.random.default_rng(4)
    n = 400
    reference = pd.DataFrame(
        {
            SCRIPT_NAME: rng.choice(["ok", "fine", IMG_VALUE], size=n),
            IMG_VALUE: rng.normal(size=n),
        }
    )
    current = pd.DataFrame(
        {
            SCRIPT_NAME: rng.choice(["ok", IMG_VALUE, f"new {IMG_VALUE}"], size=n),
            IMG_VALUE: rng.normal(size=n) + 1.0,
        }
    )
    current.loc[:40, IMG_VALUE] = np.nan
    suite = dg.Suite(
        [
            InSet(SCRIPT_NAME, value_set=["ok"]),
            NotNull(IMG_VALUE),
            Between(IMG_VALUE, min_value=0, severity="warning"),
            # Groups keyed by the probe values, shown beside the probe column's name.
            NotNull(IMG_VALUE, group_by=[SCRIPT_NAME], severity="info"),
        ],
        name=SCRIPT_NAME,
    )
    return {
        "validation": dg.validate(current, suite),
        "drift": dg.drift(current, reference=reference),
        "profile": dg.profile(current),
    }


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dataguard demo --output DIR`` run once: data, JSON results and both HTML reports."""
    import io

    from dataguard.cli import main

    directory = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    assert main(["demo", "--output", str(directory)], stdout=out) == 0
    assert f"validation report: {directory / 'validation.html'}" in out.getvalue()
    assert f"drift report: {directory / 'drift.html'}" in out.getvalue()
    return directory
