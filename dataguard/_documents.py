"""Safe reading of YAML and JSON documents, remembering where each value came from.

Suites are user input. They are parsed with the safe loader only (no Python object tags), their
size is bounded before and after alias expansion (a "billion laughs" document is refused, not
expanded), duplicate keys are refused, and every value can be traced back to its line, so errors
can say ``suite.yaml:12: expectations[3].min_value: ...``.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dataguard._deferred import yaml
from dataguard._storage import is_remote, read_bytes, resolve
from dataguard.errors import DataguardError, SuiteError

#: Largest suite file read; real suites are kilobytes.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: Most values a document may hold once YAML aliases are expanded.
MAX_EXPANDED_NODES = 1_000_000

PathPart = str | int

#: Largest JSON document dataguard reads (a profile, a saved result or drift report), after
#: decompression: real ones take megabytes, and a small gzip file can inflate a thousandfold.
MAX_JSON_BYTES = 256 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class TooLarge(ValueError):
    """A document is larger than dataguard reads (said before it is read or inflated whole)."""


def read_json_file(
    path: str | os.PathLike[str],
    error: Callable[[str], DataguardError],
    what: str,
    storage_options: Mapping[str, str] | None = None,
) -> Any:
    """The JSON document in a file, plain or gzip, read and inflated to at most MAX_JSON_BYTES.

    Anything that keeps it from being read is ``error`` with a message naming the file and
    calling the document ``what`` (``"profile"``), so every reader of saved documents refuses a
    file with the same words. ``path`` may be an object-store URI reached with
    ``storage_options``; a store that fails is a StorageError naming it.
    """
    if is_remote(path) or storage_options:
        found = resolve(path, storage_options)
        return json_from_bytes(read_bytes(found, MAX_JSON_BYTES), found.shown, error, what)
    location = Path(path)
    try:
        raw = _read_limited(location)
    except FileNotFoundError:
        raise error(f"{location}: no such file") from None
    except TooLarge as exc:
        raise error(f"{location}: not read: {exc}") from None
    except OSError as exc:
        raise error(f"{location}: cannot read: {exc.strerror or exc}") from None
    return json_from_bytes(raw, str(location), error, what)


def json_from_bytes(
    raw: bytes, source: str, error: Callable[[str], DataguardError], what: str
) -> Any:
    """The JSON document in ``raw`` (plain or gzip) from ``source``, as ``read_json_file``."""
    try:
        return load_json(_inflate(raw))
    except TooLarge as exc:
        raise error(f"{source}: not read: {exc}") from None
    except (OSError, EOFError) as exc:
        raise error(f"{source}: corrupt or truncated compressed {what} ({exc})") from None
    except UnicodeDecodeError:
        raise error(f"{source}: not a {what} (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise error(
            f"{source}: corrupt or truncated {what} (invalid JSON at line {exc.lineno}: {exc.msg})"
        ) from None


def _read_limited(location: Path) -> bytes:
    """The bytes of a file, reading no more than MAX_JSON_BYTES (TooLarge if it holds more)."""
    limit = MAX_JSON_BYTES
    with location.open("rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise TooLarge(f"the file is larger than {limit:,} bytes")
    return raw


def _inflate(raw: bytes) -> bytes:
    """``raw``, gunzipped when it is gzip data, never holding more than MAX_JSON_BYTES bytes of
    output: TooLarge beyond that (a 300 KB file that would inflate to 300 MB stops at the
    limit); EOFError when the compressed data is corrupt or truncated."""
    limit = MAX_JSON_BYTES
    if raw[:2] != GZIP_MAGIC:
        if len(raw) > limit:
            raise TooLarge(f"it is larger than {limit:,} bytes")
        return raw
    out = bytearray()
    rest = raw
    while rest.strip(b"\0"):  # gzip allows several members, and zero padding after them
        stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += stream.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise EOFError(f"corrupt compressed data: {exc}") from None
        if len(out) > limit:
            raise TooLarge(f"it inflates to more than {limit:,} bytes")
        if not stream.eof:
            raise EOFError("compressed data ends early")
        rest = stream.unused_data
    return bytes(out)


def load_json(raw: bytes | str, **options: Any) -> Any:
    """Parse JSON (bytes are UTF-8, a byte order mark allowed) with ``json.loads`` options;
    TooLarge (a ValueError) when nesting goes deeper than the parser can follow, a number has
    more digits than Python converts, or memory runs out, so callers report a bounded input,
    never a RecursionError. Syntax errors (JSONDecodeError) and the options' own errors pass."""
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    try:
        return json.loads(text, **options)
    except (json.JSONDecodeError, DataguardError):
        raise
    except ValueError as exc:  # an integer beyond Python's digit limit (4,300 by default)
        raise TooLarge(f"it holds a number too long to read ({exc})") from None
    except RecursionError:
        raise TooLarge("it is nested too deeply") from None
    except MemoryError:
        raise TooLarge("it is too large to hold in memory") from None


@dataclass(frozen=True)
class Document:
    """A parsed document with a way back from a path inside it to its line."""

    data: Any
    source: str | None
    root: yaml.Node | None = None
    #: The storage options that reached ``source`` in an object store, for the files its
    #: relative paths name there (secrets: never shown, never compared).
    storage_options: Mapping[str, str] | None = field(default=None, repr=False, compare=False)

    def line(self, path: Sequence[PathPart]) -> int | None:
        """The 1-based line of the value at ``path``, when the document is YAML."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == part), None)
                if match is None:
                    return line
                node = match
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and part < len(node.value)
            ):
                node = node.value[part]
            else:
                return line
            line = node.start_mark.line + 1
        return line

    def error(
        self, problem: str, path: Sequence[PathPart], kind: type[SuiteError] = SuiteError
    ) -> SuiteError:
        """A SuiteError naming the file, the path and the line of the value at ``path``."""
        return kind(
            problem, source=self.source, path=format_path(path) or None, line=self.line(path)
        )


def format_path(path: Sequence[PathPart]) -> str:
    """``("expectations", 3, "min_value")`` as ``expectations[3].min_value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_document(
    path: str | os.PathLike[str], storage_options: Mapping[str, str] | None = None
) -> Document:
    """Read a YAML (``.yaml``/``.yml``) or JSON file; SuiteError on anything unreadable.

    ``path`` may be an object-store URI, reached with ``storage_options``: errors then name the
    URI as given (``s3://bucket/suite.yaml:12: ...``), and a store that fails is a StorageError.
    """
    if is_remote(path) or storage_options:
        found = resolve(path, storage_options)
        document = _parsed(read_bytes(found, MAX_DOCUMENT_BYTES), found.shown)
        return replace(document, storage_options=storage_options)
    location = Path(path)
    source = str(location)
    try:
        size = location.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise SuiteError(
                f"file is {size} bytes; suites are limited to {MAX_DOCUMENT_BYTES}", source=source
            )
        raw = location.read_bytes()
    except FileNotFoundError:
        raise SuiteError("no such file", source=source) from None
    except IsADirectoryError:
        raise SuiteError("is a directory, not a suite file", source=source) from None
    except OSError as exc:
        raise SuiteError(f"cannot read the file: {exc.strerror or exc}", source=source) from None
    return _parsed(raw, source)


def _parsed(raw: bytes, source: str) -> Document:
    """The document in the bytes of the file ``source``: JSON for a ``.json`` name, else YAML."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SuiteError(f"not UTF-8 text (byte {exc.start})", source=source) from None
    if source.lower().endswith(".json"):
        return parse_json(text, source)
    return parse_yaml(text, source)


def parse_json(text: str, source: str | None = None) -> Document:
    """Parse JSON text, refusing duplicate keys and NaN.

    ``Infinity`` and ``-Infinity`` are read: they are not standard JSON, but Python's ``json``
    (and so Great Expectations) writes them for infinite partition edges, and so do our own JSON
    suites. NaN is refused: no parameter means anything as NaN.
    """

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise SuiteError(f"duplicate key {key!r}", source=source)
            result[key] = value
        return result

    def constant(name: str) -> Any:
        if name in ("Infinity", "-Infinity"):
            return float(name)
        raise SuiteError(f"{name} is not valid JSON", source=source)

    try:
        data = load_json(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise SuiteError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", source=source, line=exc.lineno
        ) from None
    except TooLarge as exc:
        raise SuiteError(f"not read: {exc}", source=source) from None
    return Document(data, source)


def parse_yaml(text: str, source: str | None = None) -> Document:
    """Parse YAML text safely, refusing object tags, alias bombs and duplicate keys."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Document(None, source)
        _check_nodes(root, source)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise SuiteError(f"invalid YAML: {problem}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise SuiteError(f"invalid YAML: {exc}", source=source) from None
    except RecursionError:
        raise SuiteError("document is nested too deeply", source=source) from None
    except SuiteError:
        raise
    except (ValueError, OverflowError) as exc:  # a scalar YAML resolves but Python cannot hold
        raise SuiteError(f"invalid YAML value: {exc}", source=source) from None
    finally:
        loader.dispose()
    return Document(data, source, root)


def _check_nodes(root: yaml.Node, source: str | None) -> None:
    """Bound the expanded size of the node graph and refuse duplicate mapping keys."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > 200:
            raise SuiteError(
                "document is nested too deeply", source=source, line=node.start_mark.line + 1
            )
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise SuiteError(
                            f"duplicate key {key.value!r}",
                            source=source,
                            line=key.start_mark.line + 1,
                        )
                    seen.add(key.value)
                total += size(key, depth + 1) + size(value, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        if total > MAX_EXPANDED_NODES:
            raise SuiteError(
                f"document expands to more than {MAX_EXPANDED_NODES} values (a YAML alias bomb?)",
                source=source,
                line=node.start_mark.line + 1,
            )
        sizes[id(node)] = total
        return total

    size(root, 0)
