"""The expectation catalogue: one small frozen class per property of the data.

Each class is registered under its short YAML name (``not_null``, ``between``, ...); see
``registered()`` for the full list. The classes that compare data with a stored profile
(``NoDrift`` and the fairness checks) are imported on first use, by name here or in a suite, so
that a validation without them does not load the profile and drift packages.
"""

import importlib as _importlib
import typing as _typing

from dataguard._duration import Duration
from dataguard.expectations._aggregate import (
    DistinctValuesContainSet,
    DistinctValuesEqualSet,
    DistinctValuesInSet,
    MaxBetween,
    MeanBetween,
    MedianBetween,
    MinBetween,
    MostCommonValueInSet,
    ProportionNonNullBetween,
    ProportionUniqueBetween,
    QuantilesBetween,
    StdevBetween,
    SumBetween,
    UniqueValueCountBetween,
)
from dataguard.expectations._base import (
    AggregateBetween,
    ColumnRowExpectation,
    Context,
    Expectation,
    RowExpectation,
    check_grouping,
)
from dataguard.expectations._distribution import KlDivergenceBelow, NoOutliers, ZScoreBelow
from dataguard.expectations._each import EachColumn
from dataguard.expectations._expression import Expression
from dataguard.expectations._freshness import Freshness
from dataguard.expectations._multi import (
    CompoundColumnsUnique,
    EqualWithinRecord,
    MulticolumnSumEqual,
    PairEqual,
    PairGreater,
    PairInSet,
    UniqueWithinRecord,
)
from dataguard.expectations._patterns import (
    DateutilParseable,
    InTypeList,
    MatchesJsonSchema,
    MatchesLikePattern,
    MatchesLikePatternList,
    MatchesRegexList,
    NotMatchesLikePattern,
    NotMatchesLikePatternList,
    NotMatchesRegexList,
)
from dataguard.expectations._registry import lookup, register, registered, unregister
from dataguard.expectations._strings import (
    JsonParseable,
    MatchesRegex,
    MatchesStrftimeFormat,
    NotMatchesRegex,
    ValueLengthBetween,
    ValueLengthEqual,
)
from dataguard.expectations._table import (
    ColumnCountBetween,
    ColumnCountEqual,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnsMatchSet,
    NoExtraColumns,
    RowCountBetween,
    RowCountEqual,
)
from dataguard.expectations._tables import (
    DistinctValuesEqualTable,
    ForeignKey,
    RowCountEqualTable,
)
from dataguard.expectations._types import ColumnDtype, ColumnType
from dataguard.expectations._values import (
    Between,
    Decreasing,
    Increasing,
    InSet,
    NotInSet,
    NotNull,
    Null,
    Unique,
)

if _typing.TYPE_CHECKING:
    from dataguard.expectations._drift import NoDrift
    from dataguard.expectations._fairness import (
        GroupComparison,
        GroupShareBetween,
        MissingnessParity,
        RateParity,
    )

__all__ = [
    "AggregateBetween",
    "Between",
    "ColumnCountBetween",
    "ColumnCountEqual",
    "ColumnDtype",
    "ColumnExists",
    "ColumnRowExpectation",
    "ColumnType",
    "ColumnsMatchOrderedList",
    "ColumnsMatchSet",
    "CompoundColumnsUnique",
    "Context",
    "DateutilParseable",
    "Decreasing",
    "DistinctValuesContainSet",
    "DistinctValuesEqualSet",
    "DistinctValuesEqualTable",
    "DistinctValuesInSet",
    "Duration",
    "EachColumn",
    "EqualWithinRecord",
    "Expectation",
    "Expression",
    "ForeignKey",
    "Freshness",
    "GroupComparison",
    "GroupShareBetween",
    "InSet",
    "InTypeList",
    "Increasing",
    "JsonParseable",
    "KlDivergenceBelow",
    "MatchesJsonSchema",
    "MatchesLikePattern",
    "MatchesLikePatternList",
    "MatchesRegex",
    "MatchesRegexList",
    "MatchesStrftimeFormat",
    "MaxBetween",
    "MeanBetween",
    "MedianBetween",
    "MinBetween",
    "MissingnessParity",
    "MostCommonValueInSet",
    "MulticolumnSumEqual",
    "NoDrift",
    "NoExtraColumns",
    "NoOutliers",
    "NotInSet",
    "NotMatchesLikePattern",
    "NotMatchesLikePatternList",
    "NotMatchesRegex",
    "NotMatchesRegexList",
    "NotNull",
    "Null",
    "PairEqual",
    "PairGreater",
    "PairInSet",
    "ProportionNonNullBetween",
    "ProportionUniqueBetween",
    "QuantilesBetween",
    "RateParity",
    "RowCountBetween",
    "RowCountEqual",
    "RowCountEqualTable",
    "RowExpectation",
    "StdevBetween",
    "SumBetween",
    "Unique",
    "UniqueValueCountBetween",
    "UniqueWithinRecord",
    "ValueLengthBetween",
    "ValueLengthEqual",
    "ZScoreBelow",
    "check_grouping",
    "lookup",
    "register",
    "registered",
    "unregister",
]


#: The module defining each class imported on first use.
_HOMES = {
    "GroupComparison": "dataguard.expectations._fairness",
    "GroupShareBetween": "dataguard.expectations._fairness",
    "MissingnessParity": "dataguard.expectations._fairness",
    "NoDrift": "dataguard.expectations._drift",
    "RateParity": "dataguard.expectations._fairness",
}


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(_importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
