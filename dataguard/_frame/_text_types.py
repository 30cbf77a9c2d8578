"""Column types of text files: what a declared type is read as, and how a column widens.

CSV and JSON-lines readers infer each column's type from the file's first block. A declared type
pins the column instead (so a text column of ISO dates stays text when the suite says
``type: string``). A later value that does not fit the type of the rows before it widens the
column to a type that holds both (empty then numbers: numbers; integers then a decimal: floats;
anything else: text), and the file is read again: where a value sits in the file never changes
the outcome.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from dataguard._deferred import pcsv
from dataguard._frame._batch import LOGICAL_TYPES, ColumnInfo
from dataguard.errors import InputError

#: The Arrow type a CSV column of each declared logical type is read as; ``numeric`` keeps the
#: type inferred from the values (integers or floats).
_CSV_TYPES: dict[str, pa.DataType | None] = {
    "integer": pa.int64(),
    "float": pa.float64(),
    "numeric": None,
    "string": pa.string(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us"),
    "date": pa.date32(),
    "categorical": pa.dictionary(pa.int32(), pa.string()),
}
#: JSON values carry their own kind (number, string, boolean); only text values need a type.
_JSON_TEXT_TYPES = frozenset({"string", "datetime", "date", "categorical"})

_CSV_NOT_TEXT = re.compile(r"In CSV column #(\d+): .*CSV conversion error to string: invalid UTF8")
_CSV_ERROR = re.compile(
    r"In CSV column #(\d+): .*CSV conversion error to [^:]*: "
    r"(?:invalid value|expected (?:no|a) zone offset in) '(.*)'"
)
_UNITS = ("s", "ms", "us", "ns")
_JSON_CHANGED = re.compile(r"Column\(/(.+)\) changed from (\w+) to (\w+)")
_JSON_FAILED = re.compile(r"Failed to convert JSON to (.+), couldn't parse:(.*)")


def check_column_types(column_types: Mapping[str, str] | None) -> dict[str, str]:
    """``column_types`` (column name to logical type name, ``None`` for none) as a dict;
    ValueError naming the first column given a type that does not exist."""
    pins = dict(column_types or {})
    for column, logical in pins.items():
        if logical not in LOGICAL_TYPES:
            raise ValueError(
                f"column {column!r}: unknown type {logical!r}; "
                f"use one of {', '.join(LOGICAL_TYPES)}"
            )
    return pins


class WiderType(InputError):
    """A text file holds a value that does not fit its column's type as read so far; the file
    now reads that column as a type holding it, and the reading must start again.

    ``source`` is the source to read again (the file, or the dataset holding it).
    ``rerun_on_wider_type`` catches it; anything else sees an InputError that says so."""

    def __init__(self, message: str, source: object) -> None:
        super().__init__(message)
        self.source = source


@dataclass(frozen=True)
class ReadPlan:
    """How to read the columns of a text file.

    ``types`` pins logical types (``{"zip": "string"}``). ``text`` names columns only text
    expectations read: they are read as text if the reader would take them for dates or times
    (a pattern over ISO dates is about their text) or the first block holds none of their
    values, and as their values say otherwise (a pattern over numbers is a type mismatch, as on
    any typed input).
    """

    types: Mapping[str, str] = field(default_factory=dict)
    text: frozenset[str] = frozenset()

    def pinned(self, name: str, inferred: pa.DataType, fmt: str) -> pa.DataType | None:
        """The type to read column ``name`` as, or ``None`` to keep ``inferred``."""
        if name in self.types:
            return pinned_type(self.types[name], inferred, fmt)
        if name in self.text and (pa.types.is_temporal(inferred) or pa.types.is_null(inferred)):
            return pa.string()
        return None


def pinned_type(logical: str, inferred: pa.DataType, fmt: str) -> pa.DataType | None:
    """The Arrow type to read a column declared of ``logical`` type as, in a ``fmt`` text file
    whose first block made it ``inferred``; ``None`` to keep ``inferred``: when it is of that
    type already, or when the declared type cannot hold it (integers declared, decimals in the
    file), so that the type check fails as it would on any other input."""
    pinned = _CSV_TYPES[logical]
    if pinned is None or logical in ColumnInfo("", inferred, str(inferred)).logical_types():
        return None
    if fmt == "jsonl":
        # JSON values carry their kind: only text (which the reader may take for timestamps)
        # can be read as a declared type.
        holds_text = is_text_type(inferred) or pa.types.is_timestamp(inferred)
        if logical not in _JSON_TEXT_TYPES or not (holds_text or pa.types.is_null(inferred)):
            return None
        return pinned  # read as text, then converted: text that does not convert stays text
    return pinned if is_text_type(pinned) or wider(pinned, inferred) == pinned else None


def is_text_type(t: pa.DataType) -> bool:
    """Whether a type holds any text: strings, or dictionaries of strings."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def value_type(text: str) -> pa.DataType:
    """The type the CSV reader infers for one value on its own."""
    quoted = '"' + text.replace('"', '""') + '"'
    return pcsv.read_csv(io.BytesIO(f"v\n{quoted}\n".encode())).schema.field(0).type


def wider(current: pa.DataType, value: pa.DataType) -> pa.DataType:
    """The narrowest type holding values of both types: a column of no values takes the other
    type, integers and floats make floats, dates and times of one time zone make times at the
    finer unit; anything else is text."""
    if current == value or pa.types.is_null(value):
        return current
    if pa.types.is_null(current):
        return value
    types = (current, value)
    if all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types):
        return pa.float64()
    if all(pa.types.is_timestamp(t) or pa.types.is_date(t) for t in types):
        zones = {t.tz if pa.types.is_timestamp(t) else None for t in types}
        units = [t.unit if pa.types.is_timestamp(t) else "s" for t in types]
        if len(zones) == 1:
            return pa.timestamp(max(units, key=_UNITS.index), zones.pop())
    return pa.string()


def csv_block_types(
    block: bytes, types: Mapping[str, pa.DataType], delimiter: str, where: str
) -> dict[str, pa.DataType]:
    """The types the columns of a block of a CSV file (whole lines, its header line first) read
    as: ``types`` (every column, in file order), each widened as the file reader widens it, by
    the values of the block that do not fit it (one value at a time, the block parsed again
    after each). InputError naming ``where`` and the column when a value fits nothing wider.

    A cluster settles a file's types block by block with it; the widest of the blocks' types
    (``wider``, in file order) is the type the file reader ends with on the whole file."""
    current = dict(types)
    names = tuple(current)
    while True:
        try:
            pcsv.read_csv(
                io.BytesIO(block),
                parse_options=pcsv.ParseOptions(delimiter=delimiter),
                convert_options=pcsv.ConvertOptions(column_types=current, strings_can_be_null=True),
            )
            return current
        except pa.ArrowInvalid as exc:
            not_text = csv_not_text(exc, names)
            if not_text is not None:
                raise InputError(f"{where}: column {not_text!r} is not valid UTF-8 text") from None
            widening = csv_widening(exc, names, current)
            if widening is None or widening[2] == current[widening[0]]:
                message = str(exc).strip().splitlines()[0]
                raise InputError(f"{where}: cannot read the file: {message}") from None
            current[widening[0]] = widening[2]


def csv_not_text(error: pa.ArrowInvalid, file_names: tuple[str, ...]) -> str | None:
    """The column a CSV error says holds invalid UTF-8 where text was asked for, if it does."""
    found = _CSV_NOT_TEXT.search(str(error))
    index = int(found.group(1)) if found is not None else len(file_names)
    return file_names[index] if index < len(file_names) else None


def csv_widening(
    error: pa.ArrowInvalid, file_names: tuple[str, ...], current: dict[str, pa.DataType]
) -> tuple[str, str, pa.DataType] | None:
    """From a CSV conversion error: the column, its offending value and the wider type holding
    it, or ``None`` if the error is not about a value that does not fit its column."""
    found = _CSV_ERROR.search(str(error))
    if found is None:
        return None
    index, value = int(found.group(1)), found.group(2)
    if index >= len(file_names) or file_names[index] not in current:
        return None
    name = file_names[index]
    return name, value, wider(current[name], value_type(value))


def json_widening(
    error: pa.ArrowInvalid, current: dict[str, pa.DataType], pinned: frozenset[str]
) -> tuple[str, str, pa.DataType | None] | None:
    """From a JSON-lines reader error: the column, what it found and the type to read it as
    (``None``: as its values say, for a pinned text column holding other values), or ``None``."""
    changed = _JSON_CHANGED.search(str(error))
    if changed is None or changed.group(1) not in current:
        return None
    name, kind = changed.group(1), changed.group(3)
    if name in pinned:  # a declared text type, but the values are numbers or booleans
        return name, f"a {kind}", None
    kinds = {"number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}
    if pa.types.is_null(current[name]) and kind in kinds:
        return name, f"a {kind}", kinds[kind]
    return None


def json_conversion_failure(error: pa.ArrowInvalid) -> tuple[str, str] | None:
    """From a JSON reader error about a value its column's type cannot hold (the reader does not
    name the column): the name of the type and the value."""
    failed = _JSON_FAILED.search(str(error))
    return None if failed is None else (failed.group(1), failed.group(2))
