"""The expectation catalogue: one small frozen class per property of the data.

Each class is registered under its short YAML name (``not_null``, ``between``, ...); see
``registered()`` for the full list.
"""

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
)
from dataguard.expectations._drift import NoDrift
from dataguard.expectations._multi import (
    CompoundColumnsUnique,
    MulticolumnSumEqual,
    PairEqual,
    PairGreater,
    UniqueWithinRecord,
)
from dataguard.expectations._registry import lookup, register, registered
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
    "Decreasing",
    "DistinctValuesContainSet",
    "DistinctValuesEqualSet",
    "DistinctValuesInSet",
    "Expectation",
    "InSet",
    "Increasing",
    "JsonParseable",
    "MatchesRegex",
    "MatchesStrftimeFormat",
    "MaxBetween",
    "MeanBetween",
    "MedianBetween",
    "MinBetween",
    "MostCommonValueInSet",
    "MulticolumnSumEqual",
    "NoDrift",
    "NoExtraColumns",
    "NotInSet",
    "NotMatchesRegex",
    "NotNull",
    "Null",
    "PairEqual",
    "PairGreater",
    "ProportionNonNullBetween",
    "ProportionUniqueBetween",
    "QuantilesBetween",
    "RowCountBetween",
    "RowCountEqual",
    "RowExpectation",
    "StdevBetween",
    "SumBetween",
    "Unique",
    "UniqueValueCountBetween",
    "UniqueWithinRecord",
    "ValueLengthBetween",
    "ValueLengthEqual",
    "lookup",
    "register",
    "registered",
]
