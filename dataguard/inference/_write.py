"""``dataguard infer``: draft a suite from a data file and write it, with its reference profile."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataguard._storage import beside, folder_of, is_remote
from dataguard.errors import InputError
from dataguard.inference._infer import draft


def write_draft(
    data: Any,
    output: str,
    *,
    name: str,
    margin: float = 0.1,
    profile: str | None = None,
    chunk_size: int | None = None,
    column_types: Mapping[str, str] | None = None,
    storage_options: Mapping[str, str] | None = None,
) -> str:
    """Draft a suite of ``data`` into ``output`` and say what was written.

    ``profile``: a file name for the reference profile, written beside the suite (a relative
    path is taken from the suite's directory); the suite's ``no_drift`` expectations name it as
    given, which ``no_drift`` reads from the suite's directory too: the pair can move together.
    ``output`` may be an object-store URI reached with ``storage_options``, and the profile is
    written beside it there.
    """
    remote = is_remote(output)
    if not remote:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    reference = None
    location: Path | str | None = None
    if profile is not None:
        location = beside(folder_of(output), profile) if remote else Path(output).parent / profile
        same = (
            location == output if remote else os.path.realpath(location) == os.path.realpath(output)
        )
        if same:
            raise InputError(f"--profile {profile!r} would replace the suite {output!r}")
        reference = Path(profile).as_posix()
    drafted = draft(
        data,
        margin,
        name=name,
        reference=reference,
        chunk_size=chunk_size,
        column_types=column_types,
    )
    written = drafted.suite.dump(output, storage_options=storage_options)
    suite, rows = drafted.suite, drafted.profile.rows
    columns = len(suite.schema.columns) if suite.schema else 0
    out = (
        f"drafted {columns} columns and {len(suite.expectations)} expectations "
        f"from {rows:,} rows into {written}\n"
    )
    if location is not None:
        if isinstance(location, Path):
            location.parent.mkdir(parents=True, exist_ok=True)
        saved = drafted.profile.save(location, storage_options=storage_options)
        out += f"reference profile: {saved}\n"
    return out
