"""``profile(data)``: a reference profile of the whole data, or one per group with ``group_by``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, overload

from dataguard._frame import Source
from dataguard.profile import _build
from dataguard.profile._grouped import MAX_GROUPS, GroupedProfile, profile_groups
from dataguard.profile._model import Profile


@overload
def profile(
    data: Any,
    *,
    columns: Sequence[str] | None = ...,
    reference: Profile | None = ...,
    bins: int = ...,
    exact_cap: int = ...,
    discrete_cap: int = ...,
    categorical_cap: int = ...,
    comoments: bool = ...,
    chunk_size: int | None = ...,
    workers: int | None = ...,
    column_types: Mapping[str, str] | None = ...,
    group_by: None = ...,
    max_groups: int = ...,
) -> Profile: ...


@overload
def profile(
    data: Any,
    *,
    columns: Sequence[str] | None = ...,
    reference: None = ...,
    bins: int = ...,
    exact_cap: int = ...,
    discrete_cap: int = ...,
    categorical_cap: int = ...,
    comoments: bool = ...,
    chunk_size: int | None = ...,
    workers: int | None = ...,
    column_types: Mapping[str, str] | None = ...,
    group_by: Sequence[str],
    max_groups: int = ...,
) -> GroupedProfile: ...


def profile(
    data: Any,
    *,
    columns: Sequence[str] | None = None,
    reference: Profile | None = None,
    bins: int = 1024,
    exact_cap: int = 4096,
    discrete_cap: int = 256,
    categorical_cap: int = 1000,
    comoments: bool = False,
    chunk_size: int | None = None,
    workers: int | None = None,
    column_types: Mapping[str, str] | None = None,
    group_by: Sequence[str] | None = None,
    max_groups: int = MAX_GROUPS,
) -> Profile | GroupedProfile:
    # The docstring: the whole-data profile's, then ``GROUP_BY_DOC`` (set below).
    if group_by is None:
        return _build.profile(
            data,
            columns=columns,
            reference=reference,
            bins=bins,
            exact_cap=exact_cap,
            discrete_cap=discrete_cap,
            categorical_cap=categorical_cap,
            comoments=comoments,
            chunk_size=chunk_size,
            workers=workers,
            column_types=column_types,
        )
    if reference is not None:
        raise ValueError("a profile by group is a reference: give group_by or reference, not both")

    def build(rows: Source, names: list[str]) -> Profile:
        return _build.profile(
            rows,
            columns=names,
            bins=bins,
            exact_cap=exact_cap,
            discrete_cap=discrete_cap,
            categorical_cap=categorical_cap,
            comoments=comoments,
            chunk_size=chunk_size,
            workers=workers,
        )

    return profile_groups(
        data,
        group_by,
        build=build,
        columns=columns,
        max_groups=max_groups,
        chunk_size=chunk_size,
        column_types=column_types,
    )


#: What ``group_by`` adds to ``profile``'s documentation.
GROUP_BY_DOC = """
    ``group_by`` (column names) gives a ``GroupedProfile`` instead: one reference profile per
    group of those columns' values, of the other columns (or ``columns``), each equal to the
    profile of that group's rows alone; at most ``max_groups`` groups, else ValueError. The
    data is read once to find the groups, then once per group.
    """

profile.__doc__ = f"{_build.profile.__doc__}{GROUP_BY_DOC}"
