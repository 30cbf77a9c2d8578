"""The expectation catalogue: one small frozen class per property of the data.

Each class is registered under its short YAML name (``not_null``, ``between``, ...); see
``registered()`` for the full list. The classes are imported on first use (PEP 562), by name here
or in a suite: a suite's validation loads the modules of the expectations it names, not the whole
catalogue (building its eighty frozen dataclasses is much of a small validation's start-up), nor,
without ``no_drift`` or a fairness check, the profile and drift packages. A new built-in
expectation is listed in ``__all__`` and ``_HOMES`` below and in ``BUILT_IN`` in ``_registry``;
``tests/test_public_api.py`` and ``tests/expectations/test_registration.py`` fail until it is.
"""

import importlib as _importlib
import typing as _typing

from dataguard._duration import Duration
from dataguard.expectations._base import (
    AggregateBetween,
    ColumnRowExpectation,
    Context,
    Expectation,
    RowExpectation,
    check_grouping,
)
from dataguard.expectations._registry import lookup, register, registered, unregister

if _typing.TYPE_CHECKING:
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
    from dataguard.expectations._distribution import (
        KlDivergenceBelow,
        NoOutliers,
        ZScoreBelow,
    )
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
    from dataguard.expectations._types import (
        ColumnDtype,
        ColumnType,
    )
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


#: The module defining each class imported on first use.
_HOMES = {
    "Between": "dataguard.expectations._values",
    "ColumnCountBetween": "dataguard.expectations._table",
    "ColumnCountEqual": "dataguard.expectations._table",
    "ColumnDtype": "dataguard.expectations._types",
    "ColumnExists": "dataguard.expectations._table",
    "ColumnType": "dataguard.expectations._types",
    "ColumnsMatchOrderedList": "dataguard.expectations._table",
    "ColumnsMatchSet": "dataguard.expectations._table",
    "CompoundColumnsUnique": "dataguard.expectations._multi",
    "DateutilParseable": "dataguard.expectations._patterns",
    "Decreasing": "dataguard.expectations._values",
    "DistinctValuesContainSet": "dataguard.expectations._aggregate",
    "DistinctValuesEqualSet": "dataguard.expectations._aggregate",
    "DistinctValuesEqualTable": "dataguard.expectations._tables",
    "DistinctValuesInSet": "dataguard.expectations._aggregate",
    "EachColumn": "dataguard.expectations._each",
    "EqualWithinRecord": "dataguard.expectations._multi",
    "Expression": "dataguard.expectations._expression",
    "ForeignKey": "dataguard.expectations._tables",
    "Freshness": "dataguard.expectations._freshness",
    "GroupComparison": "dataguard.expectations._fairness",
    "GroupShareBetween": "dataguard.expectations._fairness",
    "InSet": "dataguard.expectations._values",
    "InTypeList": "dataguard.expectations._patterns",
    "Increasing": "dataguard.expectations._values",
    "JsonParseable": "dataguard.expectations._strings",
    "KlDivergenceBelow": "dataguard.expectations._distribution",
    "MatchesJsonSchema": "dataguard.expectations._patterns",
    "MatchesLikePattern": "dataguard.expectations._patterns",
    "MatchesLikePatternList": "dataguard.expectations._patterns",
    "MatchesRegex": "dataguard.expectations._strings",
    "MatchesRegexList": "dataguard.expectations._patterns",
    "MatchesStrftimeFormat": "dataguard.expectations._strings",
    "MaxBetween": "dataguard.expectations._aggregate",
    "MeanBetween": "dataguard.expectations._aggregate",
    "MedianBetween": "dataguard.expectations._aggregate",
    "MinBetween": "dataguard.expectations._aggregate",
    "MissingnessParity": "dataguard.expectations._fairness",
    "MostCommonValueInSet": "dataguard.expectations._aggregate",
    "MulticolumnSumEqual": "dataguard.expectations._multi",
    "NoDrift": "dataguard.expectations._drift",
    "NoExtraColumns": "dataguard.expectations._table",
    "NoOutliers": "dataguard.expectations._distribution",
    "NotInSet": "dataguard.expectations._values",
    "NotMatchesLikePattern": "dataguard.expectations._patterns",
    "NotMatchesLikePatternList": "dataguard.expectations._patterns",
    "NotMatchesRegex": "dataguard.expectations._strings",
    "NotMatchesRegexList": "dataguard.expectations._patterns",
    "NotNull": "dataguard.expectations._values",
    "Null": "dataguard.expectations._values",
    "PairEqual": "dataguard.expectations._multi",
    "PairGreater": "dataguard.expectations._multi",
    "PairInSet": "dataguard.expectations._multi",
    "ProportionNonNullBetween": "dataguard.expectations._aggregate",
    "ProportionUniqueBetween": "dataguard.expectations._aggregate",
    "QuantilesBetween": "dataguard.expectations._aggregate",
    "RateParity": "dataguard.expectations._fairness",
    "RowCountBetween": "dataguard.expectations._table",
    "RowCountEqual": "dataguard.expectations._table",
    "RowCountEqualTable": "dataguard.expectations._tables",
    "StdevBetween": "dataguard.expectations._aggregate",
    "SumBetween": "dataguard.expectations._aggregate",
    "Unique": "dataguard.expectations._values",
    "UniqueValueCountBetween": "dataguard.expectations._aggregate",
    "UniqueWithinRecord": "dataguard.expectations._multi",
    "ValueLengthBetween": "dataguard.expectations._strings",
    "ValueLengthEqual": "dataguard.expectations._strings",
    "ZScoreBelow": "dataguard.expectations._distribution",
}


def __getattr__(name: str) -> object:
    """Import a class on first use and keep it, so later reads are plain lookups."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: object = getattr(_importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
