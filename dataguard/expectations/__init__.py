"""The expectation catalogue: one small frozen class per property of the data.

Each class is registered under its short YAML name (``not_null``, ``between``, ...); see
``registered()`` for the full list.
"""

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
from dataguard.expectations._drift import NoDrift
from dataguard.expectations._each import EachColumn
from dataguard.expectations._expression import Expression
from dataguard.expectations._fairness import (
    GroupComparison,
    GroupShareBetween,
    MissingnessParity,
    RateParity,
)
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
