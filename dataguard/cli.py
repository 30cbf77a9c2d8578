"""The ``dataguard`` command line: ``main(argv) -> exit code``.

Exit codes: 0 the data passed; 1 the data failed (an error-severity expectation, or a warning with
``--fail-on warning``); 2 dataguard could not do its job (bad arguments, unreadable data or suite).
Problems print one line to stderr (a list of problems, one more line each), without a traceback
unless ``--debug`` is given, which keeps the exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import shutil
import signal
import stat
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, BinaryIO, NoReturn, TextIO

from dataguard._atomic import is_system_path
from dataguard._outcome import FORMATS, FailOn, ResultFormat
from dataguard._storage import is_remote, size_of, write_bytes
from dataguard._version import __version__
from dataguard.errors import DataguardError, HistoryError

if TYPE_CHECKING:  # deferred at run time: the command line starts without them
    from dataguard._frame import ReadPlan
    from dataguard.drift import DriftReport, GroupedDriftReport
    from dataguard.result import ValidationResult
    from dataguard.suite import Suite

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2


class UsageError(Exception):
    """A bad command line; reported in one line with exit code 2."""


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt so that cleanups run (the
    progress line is erased) before the command exits with 128 + SIGTERM."""


@contextmanager
def _terminate_by_exception() -> Iterator[None]:
    """While the command runs, SIGTERM raises ``Terminated`` (signals reach the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and an exception, not a printout and exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dataguard",
        description="Validate data against expectation suites and catch drift.",
    )
    parser.add_argument("--version", action="version", version=f"dataguard {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "validate",
        help="check a data file against a suite",
        description="Check DATA (Parquet, CSV or JSON-lines) against SUITE (YAML or JSON).",
    )
    check.add_argument("data", metavar="DATA", help="data file: .parquet, .csv, .tsv, .jsonl")
    check.add_argument("--suite", "-s", required=True, help="suite file (.yaml, .yml or .json)")
    check.add_argument("--format", "-f", choices=FORMATS, default="text", help="output format")
    check.add_argument("--output", "-o", help="write the output to this file instead of stdout")
    check.add_argument("--report", metavar="HTML", help="also write an HTML report to this file")
    check.add_argument(
        "--only-failures",
        action="store_true",
        help="text format: list only the failed expectations, under the summary line",
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="lowest severity whose failure exits 1 (default: error)",
    )
    check.add_argument(
        "--result-format",
        choices=[f.value for f in ResultFormat],
        default=ResultFormat.SUMMARY.value,
        help="how much failure detail to keep (default: summary)",
    )
    check.add_argument(
        "--id-column",
        action="append",
        default=[],
        metavar="COLUMN",
        help="identify failing rows by this column's values (repeatable)",
    )
    _add_table_option(check)
    check.add_argument(
        "--max-groups",
        type=int,
        metavar="N",
        help="most groups an expectation judged per group (group_by) may have when neither it "
        "nor the suite says (default: 1000)",
    )
    check.add_argument(
        "--now",
        type=_moment,
        metavar="TIME",
        help="the clock freshness checks measure ages against, ISO 8601 such as "
        "2026-12-07T12:00:00Z; a time without offset is UTC (default: the current time)",
    )
    _add_history_options(check)
    _add_reading_options(check)
    _add_notify_options(check)
    _add_storage_option(check)
    _add_debug(check)

    prof = commands.add_parser(
        "profile",
        help="profile reference data into a small profile file",
        description="Summarize DATA into a reference profile for drift monitoring.",
    )
    prof.add_argument("data", metavar="DATA", help="data file: .parquet, .csv, .tsv, .jsonl")
    prof.add_argument("--output", "-o", required=True, help="profile file (.json, or .json.gz)")
    prof.add_argument("--columns", help="comma-separated columns to profile (default: all)")
    prof.add_argument(
        "--comoments", action="store_true", help="also keep co-moments for multivariate drift"
    )
    prof.add_argument("--report", metavar="HTML", help="also write an HTML report to this file")
    _add_group_by(prof, "profile each group of these columns' values apart (repeatable)")
    _add_reading_options(prof)
    _add_storage_option(prof)
    _add_debug(prof)

    _add_drift_parser(commands)
    _add_report_parser(commands)
    _add_infer_parser(commands)
    _add_lint_parser(commands)
    _add_diff_parser(commands)
    _add_history_parser(commands)
    _add_site_parser(commands)

    convert = commands.add_parser(
        "convert",
        help="convert a Great Expectations suite into a dataguard suite",
        description="Convert a Great Expectations suite (JSON, 0.x or 1.x layout) to a suite file.",
    )
    convert.add_argument(
        "--from", dest="source_format", choices=("gx",), required=True, help="input suite format"
    )
    convert.add_argument("suite", metavar="SUITE", help="the Great Expectations suite (.json)")
    convert.add_argument(
        "--output", "-o", required=True, help="suite file to write (.yaml or .json)"
    )
    _add_storage_option(convert)
    _add_debug(convert)

    demo = commands.add_parser(
        "demo",
        help="validate built-in example data and show the result",
        description="Generate an example orders table with planted problems and validate it.",
    )
    demo.add_argument("--output", "-o", metavar="DIR", help="also write the data and results here")
    _add_debug(demo)
    return parser


def _add_drift_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    drift = commands.add_parser(
        "drift",
        help="compare data with a reference profile or reference data",
        description="Test every column of DATA for drift against a reference.",
    )
    drift.add_argument("data", metavar="DATA", help="current data file")
    drift.add_argument(
        "--reference", "-r", required=True, help="reference profile (.json/.json.gz) or data file"
    )
    drift.add_argument("--format", "-f", choices=FORMATS, default="text", help="output format")
    drift.add_argument("--output", "-o", help="write the output to this file instead of stdout")
    drift.add_argument("--report", metavar="HTML", help="also write an HTML report to this file")
    drift.add_argument("--fail-on-drift", action="store_true", help="exit 1 when drift is found")
    drift.add_argument("--alpha", type=float, default=0.05, help="significance after BH (0.05)")
    drift.add_argument(
        "--min-effect",
        type=float,
        default=0.03,
        help="smallest effect that counts, from 0 to 1 (0.03)",
    )
    drift.add_argument("--columns", help="comma-separated columns to test (default: all)")
    drift.add_argument(
        "--test",
        action="append",
        default=[],
        metavar="[COLUMN=]METHOD",
        help="force a method for all columns or one (repeatable), e.g. psi or amount=wasserstein",
    )
    drift.add_argument("--multivariate", action="store_true", help="add PCA reconstruction drift")
    _add_history_options(drift)
    _add_group_by(drift, "compare each group of these columns' values apart (repeatable)")
    _add_reading_options(drift)
    _add_notify_options(drift)
    _add_storage_option(drift)
    _add_debug(drift)


def _add_history_options(command: argparse.ArgumentParser) -> None:
    """--history and --dataset: append the run to a run history (docs/history.md)."""
    command.add_argument(
        "--history", metavar="DB", help="append the run to this SQLite run history"
    )
    command.add_argument(
        "--dataset", metavar="NAME", help="--history: the dataset's name (default: the file name)"
    )


def _add_history_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    history = commands.add_parser(
        "history",
        help="show trends of metrics over the runs in a run history",
        description="Print the runs stored in HISTORY (oldest first) with the chosen metrics.",
    )
    history.add_argument("history", metavar="HISTORY", help="SQLite run history (--history)")
    history.add_argument("--dataset", "-d", help="only this dataset's runs")
    history.add_argument("--kind", choices=("validation", "drift"), help="only runs of this kind")
    history.add_argument(
        "--metric",
        "-m",
        action="append",
        default=[],
        help="metric to show (repeatable), e.g. row_count, between(amount).unexpected_percent, "
        "drift.amount.p_value (default: row_count, success_percent, drift_share)",
    )
    history.add_argument("--last", "-n", type=int, help="only the N most recent runs")
    history.add_argument(
        "--format", "-f", choices=("table", "json", "csv"), default="table", help="output format"
    )
    history.add_argument("--output", "-o", help="write the output to this file instead of stdout")
    _add_storage_option(history)
    _add_debug(history)


def _add_site_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    site = commands.add_parser(
        "site",
        help="build a static data-docs site from a run history",
        description=(
            "Write an offline website of the runs in HISTORY into DIR: an index of datasets, a "
            "page per dataset and each run's report. A rebuild renders only new runs."
        ),
    )
    site.add_argument("history", metavar="HISTORY", help="SQLite run history (--history)")
    site.add_argument("--output", "-o", metavar="DIR", required=True, help="the site's folder")
    _add_debug(site)


def _add_report_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    report = commands.add_parser(
        "report",
        help="render a saved JSON result, drift report or profile as HTML",
        description=(
            "Render RESULT (the JSON of 'validate --format json', 'drift --format json', or a "
            "profile file) as a self-contained HTML report."
        ),
    )
    report.add_argument("result", metavar="RESULT", help="JSON document written by dataguard")
    report.add_argument("--output", "-o", help="HTML file to write (default: stdout)")
    report.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="for a validation result: lowest failed severity that makes it FAILED",
    )
    _add_storage_option(report)
    _add_debug(report)


def _add_infer_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    infer = commands.add_parser(
        "infer",
        help="draft a suite from a data file",
        description="Draft a commented suite that DATA passes, to review and edit.",
    )
    infer.add_argument("data", metavar="DATA", help="data file: .parquet, .csv, .tsv, .jsonl")
    infer.add_argument("--output", "-o", required=True, help="suite file (.yaml or .json)")
    infer.add_argument(
        "--profile",
        metavar="FILE",
        help="also write a reference profile and check drift against it; FILE is taken from "
        "the suite's folder (a bare name lands beside the suite), as the suite will read it",
    )
    infer.add_argument("--margin", type=float, default=0.1, help="range widening (0.1)")
    _add_reading_options(infer)
    _add_storage_option(infer)
    _add_debug(infer)


def _add_lint_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    lint = commands.add_parser(
        "lint",
        help="check suite files without validating data",
        description="Check every SUITE; exit 2 and list each problem as FILE:LINE: MESSAGE.",
    )
    lint.add_argument("suites", metavar="SUITE", nargs="+", help="suite files (.yaml or .json)")
    lint.add_argument(
        "--schema", metavar="DATA", help="also check columns and types against DATA's schema"
    )
    _add_table_option(lint)
    _add_storage_option(lint)
    _add_debug(lint)


def _add_diff_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    diff = commands.add_parser(
        "diff",
        help="say what changed between two suites",
        description="List what was added, removed, loosened or tightened from OLD to NEW.",
    )
    diff.add_argument("old", metavar="OLD", help="the earlier suite file")
    diff.add_argument("new", metavar="NEW", help="the later suite file")
    diff.add_argument("--format", "-f", choices=("text", "json"), default="text")
    _add_storage_option(diff)
    _add_debug(diff)


#: The options of each command naming files it reads, and those naming files it writes.
_INPUTS = {
    "validate": ("data", "suite"),
    "profile": ("data",),
    "drift": ("data", "reference"),
    "report": ("result",),
    "convert": ("suite",),
    "infer": ("data",),
    "history": ("history",),
    "site": ("history",),
}
_OUTPUTS = ("output", "report")


def _same_regular_file(first: str, second: str) -> bool:
    """Whether two paths name one existing regular file (a terminal or pipe given as input and
    output, such as ``/dev/stdin`` and ``/dev/stdout``, is not a file to protect)."""
    try:
        one, other = os.stat(first), os.stat(second)
    except OSError:
        return False
    return stat.S_ISREG(one.st_mode) and os.path.samestat(one, other)


def _refuse_overwriting_inputs(args: argparse.Namespace) -> None:
    """UsageError when an output path is one of the command's input files, before any work."""
    given = vars(args)
    inputs = [given[name] for name in _INPUTS.get(args.command, ())]
    outputs = [(name, given[name]) for name in _OUTPUTS if isinstance(given.get(name), str)]
    for option, output in outputs:
        for source in inputs:
            if _same_regular_file(output, source):
                raise UsageError(
                    f"--{option} {output!r} is also an input ({source!r}); refusing to overwrite it"
                )
    if len(outputs) == 2 and _one_file(outputs[0][1], outputs[1][1]):
        raise UsageError(
            f"--output and --report both name {outputs[1][1]!r}: the report would replace it"
        )


def _one_file(first: str, second: str) -> bool:
    """Whether two output paths would write one file (devices such as /dev/null aside)."""
    real = os.path.realpath(first)
    return real == os.path.realpath(second) and not is_system_path(real)


def _emit(
    text: str, output: str | None, stdout: TextIO, options: Mapping[str, str] | None = None
) -> None:
    if output is None:
        stdout.write(text)
    else:
        write_bytes(output, text, options)


def _terminal_width(output: str | None, stdout: TextIO) -> int | None:
    """The terminal's width when the text goes to one (so messages wrap to fit), else None
    (files and pipes get one line per row)."""
    if output is not None or not stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def _validate(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard._formats import RENDERERS, to_text
    from dataguard._frame import as_source
    from dataguard._progress import ProgressLine
    from dataguard.suite import load_suite
    from dataguard.validate import validate

    if args.only_failures and args.format != "text":
        raise UsageError(
            f"--only-failures applies to the text format; --format {args.format} lists "
            "every expectation (markdown lists only the failures already)"
        )
    suite = load_suite(args.suite, storage_options=_options_for(args, args.suite))
    _check_chunk(args.chunk_size)
    if args.max_groups is not None and args.max_groups < 1:
        raise UsageError(f"--max-groups must be a positive number, got {args.max_groups}")
    column_types = _column_types(args.column_type)
    progress = None
    try:
        plan = functools.partial(_suite_plan, suite, column_types)
        with _data(args, plan) as data:
            if ProgressLine.wanted() and args.engine is None:
                progress = ProgressLine(as_source(data).num_rows)
            result = validate(
                data,
                suite,
                result_format=args.result_format,
                id_columns=args.id_column,
                chunk_size=args.chunk_size,
                progress=progress,
                column_types=column_types,
                tables=_stored_tables(args, _tables(args.table)),
                now=args.now,
                max_groups=args.max_groups,
                # Read for checks bounded by their history; the run is appended by _record.
                history=args.history,
                dataset=_dataset(args),
                record_history=False,
            )
    finally:
        if progress is not None:
            progress.close()
    if args.format == "text":
        text = to_text(
            result,
            args.fail_on,
            only_failures=args.only_failures,
            width=_terminal_width(args.output, stdout),
        )
    else:
        text = RENDERERS[args.format](result, args.fail_on)
    _emit(text, args.output, stdout, _options_for(args, args.output))
    if args.report:
        _write_report(args, result, args.fail_on)
    _notify(args, result, fail_on=args.fail_on)
    _record(args, result)
    return EXIT_PASSED if result.passed_at(args.fail_on) else EXIT_FAILED


def _add_debug(command: argparse.ArgumentParser) -> None:
    """Accept --debug after the command too (hidden: the main parser documents it)."""
    command.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )


def _add_reading_options(command: argparse.ArgumentParser) -> None:
    """The options of commands that read a data file: batch size and pinned column types."""
    command.add_argument("--chunk-size", type=int, help="rows per batch when streaming the file")
    _add_column_type(command)
    command.add_argument(
        "--engine",
        choices=sorted(_ENGINES),
        help="read the data on a cluster instead of this machine",
    )
    command.add_argument(
        "--dask-scheduler",
        metavar="ADDRESS",
        help="--engine dask: the scheduler to run on (default: a local cluster for the run)",
    )
    command.add_argument(
        "--spark-master",
        metavar="URL",
        help="--engine spark: the master to run on, or sc://HOST:PORT for Spark Connect "
        "(default: local[*])",
    )


#: How a command reads a CSV file's columns, given their names.
_ReadPlanOf = Callable[[Sequence[str]], "ReadPlan"]


@contextmanager
def _on_dask(args: argparse.Namespace, read_plan: _ReadPlanOf) -> Iterator[object]:
    from dataguard.cluster import dask_client, open_dask_file

    with dask_client(args.dask_scheduler):
        yield open_dask_file(args.data, read_plan)


@contextmanager
def _on_spark(args: argparse.Namespace, read_plan: _ReadPlanOf) -> Iterator[object]:
    from dataguard.cluster import open_spark_file

    yield open_spark_file(args.data, args.spark_master or "local[*]", read_plan)


#: The engines ``--engine`` names: each gives the data file as its cluster reads it, while a
#: session with that cluster is open.
_ENGINES: dict[str, Callable[[argparse.Namespace, _ReadPlanOf], AbstractContextManager[object]]] = {
    "dask": _on_dask,
    "spark": _on_spark,
}


@contextmanager
def _data(args: argparse.Namespace, read_plan: _ReadPlanOf) -> Iterator[object]:
    """The data to read: the file itself, or the file on the ``--engine`` cluster."""
    if args.dask_scheduler is not None and args.engine != "dask":
        raise UsageError("--dask-scheduler applies to --engine dask")
    if args.spark_master is not None and args.engine != "spark":
        raise UsageError("--spark-master applies to --engine spark")
    if args.engine is None:
        from dataguard._frame import from_path

        yield from_path(args.data, storage_options=_options_for(args, args.data))
        return
    with _ENGINES[args.engine](args, read_plan) as data:
        yield data


def _webhook(text: str) -> str:
    from dataguard.notify import webhook_url

    try:
        return webhook_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"use a positive number of seconds, not {text!r}")
    return value


def _add_notify_options(command: argparse.ArgumentParser) -> None:
    """The options of commands that can post a summary of their outcome to webhooks."""
    command.add_argument(
        "--notify",
        action="append",
        default=[],
        type=_webhook,
        metavar="URL",
        help="post a JSON summary (with Slack-compatible text) to this http(s) webhook after "
        "the outputs are written (repeatable); a failed post is a warning, not a failure",
    )
    command.add_argument(
        "--notify-on",
        choices=("failure", "always"),
        default="failure",
        help="when to post: on failure (failed validation, drift found; the default) or always",
    )
    command.add_argument(
        "--notify-timeout",
        type=_seconds,
        default=5.0,
        metavar="SECONDS",
        help="how long a post may wait to connect and for each read (default: 5)",
    )


def _notify(
    args: argparse.Namespace,
    outcome: ValidationResult | DriftReport | GroupedDriftReport,
    *,
    fail_on: FailOn = "error",
    dataset: str | None = None,
) -> None:
    """Post the run's summary to the ``--notify`` webhooks; a failed post is one warning line
    on stderr naming the webhook by scheme and host only, and never changes the exit code."""
    if not args.notify:
        return
    from dataguard.notify import notify

    for warning in notify(
        outcome,
        args.notify,
        on=args.notify_on,
        timeout=args.notify_timeout,
        fail_on=fail_on,
        dataset=dataset,
    ):
        print(f"dataguard: warning: {warning}", file=sys.stderr)


def _add_group_by(command: argparse.ArgumentParser, text: str) -> None:
    command.add_argument("--group-by", action="append", default=[], metavar="COLUMN", help=text)
    command.add_argument(
        "--max-groups",
        type=int,
        default=100,
        metavar="N",
        help="most groups --group-by may make (default: 100)",
    )


def _add_table_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--table",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="another table cross-table checks read, e.g. planes=planes.parquet (repeatable; "
        "overrides the suite's table of that name)",
    )


def _add_storage_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--storage-option",
        action="append",
        default=[],
        type=_storage_option,
        metavar="KEY=VALUE",
        help="a setting of the object store that s3://, gs:// and abfs:// files are in, such as "
        "endpoint_url, region, access_key_id, secret_access_key (repeatable; see "
        "docs/storage.md); never printed",
    )


def _storage_option(text: str) -> tuple[str, str]:
    """One ``--storage-option KEY=VALUE``; its value may be a secret, so no message shows it."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(
            "use KEY=VALUE, e.g. endpoint_url=http://127.0.0.1:9000 (what was given is not "
            "shown: it may hold a secret)"
        )
    return key.strip(), value


def _options_for(args: argparse.Namespace, location: str | None) -> dict[str, str] | None:
    """The ``--storage-option`` settings for the file at ``location``: an object-store URI gets
    them all (the last of a repeated key wins), a local path none."""
    if location is None or not is_remote(location) or not args.storage_option:
        return None
    return dict(args.storage_option)


def _stored_tables(args: argparse.Namespace, tables: dict[str, str]) -> dict[str, object]:
    """The ``--table`` files, those in an object store opened with ``--storage-option``."""
    from dataguard._frame import from_path

    return {
        name: from_path(path, storage_options=_options_for(args, path)) if is_remote(path) else path
        for name, path in tables.items()
    }


def _tables(specs: list[str]) -> dict[str, str]:
    """The ``--table NAME=PATH`` options as a mapping."""
    out: dict[str, str] = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--table {spec!r}: use NAME=PATH, e.g. planes=planes.parquet")
        out[name] = path
    return out


def _add_column_type(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--column-type",
        action="append",
        default=[],
        metavar="COLUMN=TYPE",
        help="read this CSV/JSON-lines column as TYPE, e.g. zip=string (repeatable)",
    )


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 time from the command line (``Z`` allowed for UTC, as Python 3.10 does not)."""
    written = text.strip()
    try:
        return dt.datetime.fromisoformat(
            written[:-1] + "+00:00" if written.endswith(("Z", "z")) else written
        )
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cannot read time {text!r}; use ISO 8601, e.g. 2026-12-07T12:00:00Z"
        ) from None


def _column_types(specs: list[str]) -> dict[str, str]:
    """The ``--column-type COLUMN=TYPE`` options as a mapping, each type checked."""
    from dataguard._frame import check_column_types

    out: dict[str, str] = {}
    for spec in specs:
        column, sep, logical = spec.rpartition("=")
        if not sep or not column:
            raise UsageError(f"--column-type {spec!r}: use COLUMN=TYPE, e.g. zip=string")
        out[column] = logical
    try:
        return check_column_types(out)
    except ValueError as exc:
        raise UsageError(f"--column-type: {exc}") from None


def _suite_plan(suite: Suite, pins: Mapping[str, str], names: Sequence[str]) -> ReadPlan:
    """How ``validate`` reads a CSV file's columns: as the suite and ``--column-type`` say."""
    from dataguard._frame import ReadPlan

    return ReadPlan({**suite.column_types, **pins}, suite.text_columns(names))


def _pinned_plan(pins: Mapping[str, str], names: Sequence[str]) -> ReadPlan:
    """How ``profile`` and ``drift`` read a CSV file's columns: as ``--column-type`` says."""
    from dataguard._frame import ReadPlan

    return ReadPlan(pins)


def _columns(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


def _profile(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.profile import profile

    _check_chunk(args.chunk_size)
    column_types = _column_types(args.column_type)
    if args.group_by:
        return _profile_groups(args, stdout, column_types)
    with _data(args, functools.partial(_pinned_plan, column_types)) as data:
        result = profile(
            data,
            columns=_columns(args.columns),
            comoments=args.comoments,
            chunk_size=args.chunk_size,
            column_types=column_types,
        )
    options = _options_for(args, args.output)
    written = result.save(args.output, storage_options=options)
    size = size_of(written, options)
    stdout.write(
        f"profiled {result.rows:,} rows, {len(result.columns)} columns "
        f"into {written} ({size:,} bytes)\n"
    )
    for name, why in result.unprofiled.items():
        stdout.write(f"not profiled {name}: {why}\n")
    if args.report:
        from dataguard.report import write_report

        written = write_report(result, args.report, storage_options=_options_for(args, args.report))
        stdout.write(f"report: {written}\n")
    return EXIT_PASSED


def _profile_groups(args: argparse.Namespace, stdout: TextIO, column_types: dict[str, str]) -> int:
    """``dataguard profile --group-by``: a profile per group, in one file."""
    from dataguard.profile import profile

    if args.report:
        raise UsageError("--report shows one profile; leave it out with --group-by")
    with _data(args, functools.partial(_pinned_plan, column_types)) as data:
        result = profile(
            data,
            columns=_columns(args.columns),
            comoments=args.comoments,
            chunk_size=args.chunk_size,
            column_types=column_types,
            group_by=args.group_by,
            max_groups=args.max_groups,
        )
    options = _options_for(args, args.output)
    written = result.save(args.output, storage_options=options)
    stdout.write(
        f"profiled {result.rows:,} rows in {len(result.groups)} groups by "
        f"{', '.join(result.group_by)} into {written} ({size_of(written, options):,} bytes)\n"
    )
    return EXIT_PASSED


#: Most bytes read to tell a profile from a JSON data file (profiles take ~15 KB per column).
PROFILE_SNIFF_BYTES = 64 * 1024 * 1024


def _is_profile(location: Path) -> bool:
    """Whether a file holds a profile (see ``_holds_profile``)."""
    with location.open("rb") as handle:
        return _holds_profile(handle, location.stat().st_size)


def _holds_profile(handle: BinaryIO, size: int) -> bool:
    """Whether an open file of ``size`` bytes holds a profile: gzip, or JSON whose first line (a
    saved profile is one line, keys sorted) or, when pretty-printed, whole text has a
    ``format_version``. A JSON-lines data file's first line is a record."""
    if handle.read(2) == b"\x1f\x8b":
        return True
    handle.seek(0)
    first = handle.readline(PROFILE_SNIFF_BYTES).strip()
    if not first.startswith(b"{"):
        return False
    if first == b"{" and size <= PROFILE_SNIFF_BYTES:
        handle.seek(0)
        first = handle.read()
    return b'"format_version"' in first


def _reference(path: str, options: Mapping[str, str] | None, grouped: bool = False) -> object:
    """A reference profile file (by group with ``grouped``), or else a reference data file (by
    content, not only name); in an object store when ``path`` is a URI."""
    from dataguard._frame import from_path
    from dataguard.profile import load_grouped_profile, load_profile

    if is_remote(path):
        if not _is_stored_profile(path, options):
            return from_path(path, storage_options=options)
        if grouped:
            return load_grouped_profile(path, storage_options=options)
        return load_profile(path, storage_options=options)
    location = Path(path)
    if location.is_file() and _is_profile(location):
        return load_grouped_profile(location) if grouped else load_profile(location)
    return path


def _is_stored_profile(uri: str, options: Mapping[str, str] | None) -> bool:
    """Whether the object at ``uri`` holds a profile (as ``_is_profile`` tells a file's)."""
    from dataguard._deferred import pafs
    from dataguard._storage import reaching, resolve

    location = resolve(uri, options)
    with reaching(location):
        info = location.filesystem.get_file_info(location.path)
        if info.type != pafs.FileType.File:
            return False
        with location.filesystem.open_input_file(location.path) as handle:
            return _holds_profile(handle, info.size)


def _tests(specs: list[str]) -> str | dict[str, str] | None:
    if not specs:
        return None
    if len(specs) == 1 and "=" not in specs[0]:
        return specs[0]
    out: dict[str, str] = {}
    for spec in specs:
        column, sep, method = spec.partition("=")
        if not sep or not column or not method:
            raise UsageError(f"--test {spec!r}: use METHOD alone, or COLUMN=METHOD")
        out[column] = method
    return out


def _drift(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard._drift_formats import DRIFT_RENDERERS, GROUPED_DRIFT_RENDERERS
    from dataguard.drift import GroupedDriftReport, drift

    _check_chunk(args.chunk_size)
    column_types = _column_types(args.column_type)
    if args.group_by and args.multivariate:
        raise UsageError("--multivariate is not computed by group; leave out --group-by")
    with _data(args, functools.partial(_pinned_plan, column_types)) as data:
        report = drift(
            data,
            reference=_reference(
                args.reference, _options_for(args, args.reference), grouped=bool(args.group_by)
            ),
            columns=_columns(args.columns),
            tests=_tests(args.test),
            alpha=args.alpha,
            min_effect=args.min_effect,
            multivariate=args.multivariate,
            chunk_size=args.chunk_size,
            column_types=column_types,
            group_by=args.group_by or None,
            max_groups=args.max_groups,
        )
    options = _options_for(args, args.output)
    if isinstance(report, GroupedDriftReport):
        _emit(GROUPED_DRIFT_RENDERERS[args.format](report), args.output, stdout, options)
    else:
        _emit(DRIFT_RENDERERS[args.format](report), args.output, stdout, options)
    if args.report:
        _write_report(args, report)
    _notify(args, report, dataset=args.data)
    _record(args, report)
    return EXIT_FAILED if report.drifted and args.fail_on_drift else EXIT_PASSED


def _record(
    args: argparse.Namespace, outcome: ValidationResult | DriftReport | GroupedDriftReport
) -> None:
    """Append the run to the ``--history`` database, under ``--dataset`` or the data file's
    name. It comes after every output, so a history that cannot be written (exit 2) still
    leaves the run's output, report and notifications."""
    if args.history is None:
        return
    from dataguard.history import append_run

    append_run(args.history, outcome, dataset=_dataset(args))


def _dataset(args: argparse.Namespace) -> str | None:
    """The dataset a run is recorded under: ``--dataset`` or the data file's name (None
    without ``--history``)."""
    if args.history is None:
        return None
    from dataguard.history import dataset_name

    return str(args.dataset or dataset_name(args.data))


def _write_report(
    args: argparse.Namespace,
    outcome: ValidationResult | DriftReport | GroupedDriftReport,
    fail_on: FailOn = "error",
) -> None:
    """Write the --report; with --history, with each row's trend over the earlier runs of the
    dataset. The run is appended after the report, so before the first run there is no
    history to read; and a history that cannot be read leaves the report without trends (the
    run's append then names the problem and exits 2)."""
    from dataguard.history import dataset_name
    from dataguard.report import write_report

    options = _options_for(args, args.report)
    if args.history is not None and os.path.exists(args.history):
        dataset = args.dataset or dataset_name(args.data)
        try:
            write_report(
                outcome,
                args.report,
                fail_on=fail_on,
                history=args.history,
                dataset=dataset,
                storage_options=options,
            )
            return
        except HistoryError:
            pass
    write_report(outcome, args.report, fail_on=fail_on, storage_options=options)


def _site(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.site import build_site

    built = build_site(args.history, args.output)
    counts = [(built.datasets, "dataset"), (built.runs, "run"), (len(built.rendered), "run page")]
    datasets, runs, pages = (f"{n:,} {noun}{'s' * (n != 1)}" for n, noun in counts)
    stdout.write(f"site: {built.index} ({datasets}, {runs}; {pages} rendered)\n")
    return EXIT_PASSED


def _history(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.history import TREND_FORMATS, History, trend

    if args.last is not None and args.last < 1:
        raise UsageError(f"--last must be a positive number of runs, got {args.last}")
    with History(args.history) as history:
        found = trend(
            history, dataset=args.dataset, kind=args.kind, metrics=args.metric, last=args.last
        )
    _emit(TREND_FORMATS[args.format](found), args.output, stdout, _options_for(args, args.output))
    return EXIT_PASSED


def _report(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.report import load_document, render_html

    document = load_document(args.result, storage_options=_options_for(args, args.result))
    html = render_html(document, fail_on=args.fail_on)
    if args.output is None:
        stdout.write(html)
    else:
        written = write_bytes(args.output, html, _options_for(args, args.output))
        stdout.write(f"wrote {written}\n")
    return EXIT_PASSED


def _check_chunk(chunk_size: int | None) -> None:
    if chunk_size is not None and chunk_size < 1:
        raise UsageError(f"--chunk-size must be a positive number of rows, got {chunk_size}")


def _convert(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.compat.gx import suite_from_gx

    suite = suite_from_gx(args.suite)
    written = suite.dump(args.output, storage_options=_options_for(args, args.output))
    stdout.write(f"converted {len(suite.expectations)} expectations into {written}\n")
    return EXIT_PASSED


def _infer(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.inference import write_draft

    _check_chunk(args.chunk_size)
    column_types = _column_types(args.column_type)
    with _data(args, functools.partial(_pinned_plan, column_types)) as data:
        stdout.write(
            write_draft(
                data,
                args.output,
                name=Path(args.data).stem,
                margin=args.margin,
                profile=args.profile,
                chunk_size=args.chunk_size,
                column_types=column_types,
                storage_options=_options_for(args, args.output),
            )
        )
    return EXIT_PASSED


def _lint(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.lint import lint_suites

    schema = args.schema
    if schema is not None and is_remote(schema):
        from dataguard._frame import from_path

        schema = from_path(schema, storage_options=_options_for(args, schema))
    problems = lint_suites(
        args.suites,
        schema,
        tables=_stored_tables(args, _tables(args.table)),
        storage_options=dict(args.storage_option) or None,
    )
    stdout.writelines(f"{problem}\n" for problem in problems)
    return EXIT_ERROR if problems else EXIT_PASSED


def _diff(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard.suite import load_suite
    from dataguard.suite_diff import diff_suites, to_json, to_text

    changes = diff_suites(
        load_suite(args.old, storage_options=_options_for(args, args.old)),
        load_suite(args.new, storage_options=_options_for(args, args.new)),
    )
    stdout.write(to_json(changes) + "\n" if args.format == "json" else to_text(changes))
    return EXIT_PASSED


def _demo(args: argparse.Namespace, stdout: TextIO) -> int:
    from dataguard._demo import run_demo

    run_demo(Path(args.output) if args.output else None, stdout)
    return EXIT_PASSED


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line and return its exit code (never raises for bad input).

    ``--debug`` adds the traceback of an error; the exit code stays the same.
    """
    out = stdout or sys.stdout
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    try:
        with _terminate_by_exception():
            args = _parser().parse_args(arguments)
            _refuse_overwriting_inputs(args)
            handlers = {
                "validate": _validate,
                "profile": _profile,
                "drift": _drift,
                "report": _report,
                "convert": _convert,
                "demo": _demo,
                "infer": _infer,
                "lint": _lint,
                "diff": _diff,
                "history": _history,
                "site": _site,
            }
            return handlers[args.command](args, out)
    except UsageError as exc:
        return _fail(f"dataguard: error: {exc}")
    except DataguardError as exc:
        # Our messages are written for the reader: a list of problems keeps its lines.
        return _fail(f"dataguard: error: {exc}", debug=debug, lines=None)
    except KeyboardInterrupt:
        return _fail("dataguard: interrupted", 128 + signal.SIGINT)
    except Terminated:
        return _fail("dataguard: terminated", 128 + signal.SIGTERM)
    except (OSError, ValueError) as exc:
        return _fail(f"dataguard: error: {exc}", debug=debug)
    except Exception as exc:
        hint = "" if debug else " (rerun with --debug)"
        return _fail(f"dataguard: internal error: {type(exc).__name__}: {exc}{hint}", debug=debug)


def _fail(
    message: str, code: int = EXIT_ERROR, *, debug: bool = False, lines: int | None = 1
) -> int:
    """Report a problem on stderr: its first ``lines`` lines (all when ``None``), each with its
    spaces squeezed, after the traceback of the exception being handled under ``--debug``."""
    if debug:
        traceback.print_exc()
    for line in message.strip().split("\n")[:lines]:
        indent = line[: len(line) - len(line.lstrip())]
        print(indent + " ".join(line.split()), file=sys.stderr)
    return code
