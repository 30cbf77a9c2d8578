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

import pyarrow as pa
from dataguard._deferred import pcsv

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
_CSV_ERROR = re.compile(r"In CSV column #(\d+): .*CSV conversion error to .*: invalid value '(.*)'")
_JSON_CHANGED = re.compile(r"Column\(/(.+)\) changed from (\w+) to (\w+)")
_JSON_FAILED = re.compile(r"Failed to convert JSON to (.+), couldn't parse:(.*)")


def read_type(logical: str, fmt: str) -> pa.DataType | None:
    """The Arrow type a column declared of ``logical`` type is read as in a ``fmt`` text file
    (``None``: as inferred from its values)."""
    if logical not in _CSV_TYPES:
        known = ", ".join(_CSV_TYPES)
        raise InputError(f"unknown column type {logical!r}; use one of {known}")
    if fmt == "jsonl" and logical not in _JSON_TEXT_TYPES:
        return None
    return _CSV_TYPES[logical]


def _value_type(text: str) -> pa.DataType:
    """The type the CSV reader infers for one value on its own."""
    quoted = '"' + text.replace('"', '""') + '"'
    return pcsv.read_csv(io.BytesIO(f"v\n{quoted}\n".encode())).schema.field(0).type


def wider(current: pa.DataType, value: pa.DataType) -> pa.DataType:
    """The narrowest type holding values of both types: a column of no values takes the new
    type, integers and floats make floats, anything else is text."""
    if pa.types.is_null(current):
        return value
    numbers = (current, value)
    if all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in numbers):
        return pa.float64()
    return pa.string()


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
    return name, value, wider(current[name], _value_type(value))


def json_widening(
    error: pa.ArrowInvalid, current: dict[str, pa.DataType], pinned: frozenset[str]
) -> tuple[str, str, pa.DataType | None] | None:
    """From a JSON-lines reader error: the column, what it found and the type to read it as
    (``None``: as its values say, for a pinned text column holding other values), or ``None``."""
    message = str(error)
    changed = _JSON_CHANGED.search(message)
    if changed is not None:
        name, kind = changed.group(1), changed.group(3)
        if name not in current:
            return None
        if name in pinned:  # a declared text type, but the values are numbers or booleans
            return name, f"a {kind}", None
        if pa.types.is_null(current[name]):
            kinds = {"number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}
            if kind in kinds:
                return name, f"a {kind}", kinds[kind]
        return None
    failed = _JSON_FAILED.search(message)
    if failed is None:
        return None
    # The reader does not say which column failed: widen only when the type tells it.
    typed = [n for n, t in current.items() if str(t) == failed.group(1)]
    if len(typed) != 1:
        return None
    value = failed.group(2)
    return typed[0], value, wider(current[typed[0]], _value_type(value))
