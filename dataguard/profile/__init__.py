"""Reference profiles: compact, deterministic, exactly mergeable summaries of a dataset.

Besides building and merging profiles, the package counts one column on a reference column's
grid (``grid_metric``, ``on_grid``, ``of_another_kind``), which the ``no_drift`` expectation
runs inside a validation.
"""

from dataguard.profile._api import profile
from dataguard.profile._build import (
    TypeChanged,
    column_kind,
    grid_metric,
    merge_profiles,
    of_another_kind,
    on_grid,
)
from dataguard.profile._grouped import (
    MAX_GROUPS,
    GroupedProfile,
    GroupKey,
    current_by_group,
    is_grouped_document,
    key_mapping,
    key_order,
    load_grouped_profile,
)
from dataguard.profile._model import (
    CategoricalProfile,
    ColumnProfile,
    CoMoments,
    NumericProfile,
    Profile,
    Settings,
    load_profile,
    loads_profile,
)

__all__ = [
    "MAX_GROUPS",
    "CategoricalProfile",
    "CoMoments",
    "ColumnProfile",
    "GroupKey",
    "GroupedProfile",
    "NumericProfile",
    "Profile",
    "Settings",
    "TypeChanged",
    "column_kind",
    "current_by_group",
    "grid_metric",
    "is_grouped_document",
    "key_mapping",
    "key_order",
    "load_grouped_profile",
    "load_profile",
    "loads_profile",
    "merge_profiles",
    "of_another_kind",
    "on_grid",
    "profile",
]
