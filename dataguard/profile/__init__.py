"""Reference profiles: compact, deterministic, exactly mergeable summaries of a dataset."""

from dataguard.profile._build import merge_profiles, profile
from dataguard.profile._model import (
    CategoricalProfile,
    CoMoments,
    NumericProfile,
    Profile,
    Settings,
    load_profile,
    loads_profile,
)

__all__ = [
    "CategoricalProfile",
    "CoMoments",
    "NumericProfile",
    "Profile",
    "Settings",
    "load_profile",
    "loads_profile",
    "merge_profiles",
    "profile",
]
