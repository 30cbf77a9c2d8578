"""Property tests over random frames: batch-size invariance, inputs never mutated, and every
row-level expectation agreeing with a naive pandas oracle written here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dataguard as dg
from dataguard.expectations import (
    Between,
    ColumnCountBetween,
    ColumnCountEqual,
    ColumnDtype,
    ColumnExists,
    ColumnsMatchOrderedList,
    ColumnsMatchSet,
    ColumnType,
    CompoundColumnsUnique,
    DateutilParseable,
    Decreasing,
    DistinctValuesContainSet,
    DistinctValuesEqualSet,
    DistinctValuesEqualTable,
    DistinctValuesInSet,
    Duration,
    EqualWithinRecord,
    Expectation,
    Expression,
    ForeignKey,
    Freshness,
    GroupShareBetween,
    Increasing,
    InSet,
    InTypeList,
    JsonParseable,
    KlDivergenceBelow,
    MatchesJsonSchema,
    MatchesLikePattern,
    MatchesLikePatternList,
    MatchesRegex,
    MatchesRegexList,
    MatchesStrftimeFormat,
    MaxBetween,
    MeanBetween,
    MedianBetween,
    MinBetween,
    MissingnessParity,
    MostCommonValueInSet,
    MulticolumnSumEqual,
    NoDrift,
    NoExtraColumns,
    NoOutliers,
    NotInSet,
    NotMatchesLikePattern,
    NotMatchesLikePatternList,
    NotMatchesRegex,
    NotMatchesRegexList,
    NotNull,
    Null,
    PairEqual,
    PairGreater,
    PairInSet,
    ProportionNonNullBetween,
    ProportionUniqueBetween,
    QuantilesBetween,
    RateParity,
    RowCountBetween,
    RowCountEqual,
    RowCountEqualTable,
    RowExpectation,
    StdevBetween,
    SumBetween,
    Unique,
    UniqueValueCountBetween,
    UniqueWithinRecord,
    ValueLengthBetween,
    ValueLengthEqual,
    ZScoreBelow,
    registered,
)

FLOATS = [-2.0, -1.0, 0.0, -0.0, 0.5, 1.0, 2.0, 1e6, math.inf, -math.inf, math.nan, None]
INTS = [-3, -1, 0, 1, 2, 3, None]
MOMENTS = [dt.datetime(2020, 1, d, h) for d in (1, 2, 3) for h in (0, 12)] + [None]
TEXT = st.one_of(st.none(), st.text(alphabet="ab12é ", max_size=3))


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(min_value=0, max_value=30))

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(values, min_size=n, max_size=n))

    return pa.table(
        {
            "id": pa.array(range(n), type=pa.int64()),
            "f": pa.array(column(st.sampled_from(FLOATS)), type=pa.float64()),
            "i": pa.array(column(st.sampled_from(INTS)), type=pa.int64()),
            "s": pa.array(column(TEXT), type=pa.string()),
            "t": pa.array(column(st.sampled_from(MOMENTS)), type=pa.timestamp("us")),
        }
    )


# A fixed reference for no_drift, holding every kind of value the random frames draw.
REFERENCE = Path(tempfile.mkdtemp(prefix="dataguard-properties-")) / "reference.profile.json"
dg.profile(
    pa.table(
        {
            "f": pa.array(FLOATS * 3, type=pa.float64()),
            "s": pa.array(["a", "b", "12", None] * 9, type=pa.string()),
        }
    )
).save(REFERENCE)

# One expectation per registered class at least, all applicable to the random frames.
EXPECTATIONS: list[Expectation] = [
    NotNull("f"),
    Null("s"),
    Between("f", min_value=-1, max_value=1),
    Between("t", min_value="2020-01-01T12:00:00", strict_min=True),
    Between("i", min_value=-0.5, max_value=2.5, mostly=0.5),
    InSet("s", value_set=["a", "b", ""]),
    InSet("i", value_set=[0, 1]),
    NotInSet("f", value_set=[0.0, 1e6]),
    Unique("s"),
    Unique("f"),
    Increasing("f"),
    Increasing("s", strictly=True),
    Decreasing("t", strictly=True),
    Decreasing("i"),
    MatchesRegex("s", regex="^a"),
    MatchesRegex("s", regex=r"\w$"),
    NotMatchesRegex("s", regex=r"\d"),
    # The Python fallback, opted in with a bound on the values' length.
    NotMatchesRegex("s", regex=r"(.)\1", regex_engine="python", max_value_length=100),
    ValueLengthBetween("s", min_value=1, max_value=2),
    ValueLengthEqual("s", value=2),
    MatchesStrftimeFormat("s", strftime_format="%m"),
    JsonParseable("s"),
    # Row expressions the oracle evaluates with pandas' own engine.
    Expression("f * 2 > i or s == 'a'"),
    Expression("i - f <= 1 and s != 'b'", mostly=0.5),
    PairGreater(column_a="f", column_b="i"),
    PairGreater(column_a="i", column_b="f", or_equal=True, ignore_row_if="never"),
    PairEqual(column_a="i", column_b="f"),
    CompoundColumnsUnique(column_list=["s", "i"]),
    UniqueWithinRecord(column_list=["f", "i"]),
    MulticolumnSumEqual(column_list=["f", "i"], sum_total=1),
    MinBetween("f", min_value=-1),
    MaxBetween("t", max_value="2020-01-02"),
    MeanBetween("f", min_value=0, max_value=2),
    StdevBetween("i", max_value=2),
    SumBetween("i", min_value=0),
    MedianBetween("f", min_value=0),
    QuantilesBetween(column="i", quantiles=[0.25, 0.75], value_ranges=[[-1, None], [None, 2]]),
    UniqueValueCountBetween("s", max_value=5),
    ProportionUniqueBetween("i", min_value=0.5),
    ProportionNonNullBetween("s", min_value=0.5),
    DistinctValuesInSet(column="s", value_set=["a", "b"]),
    DistinctValuesContainSet(column="i", value_set=[0]),
    DistinctValuesEqualSet(column="s", value_set=["a"]),
    MostCommonValueInSet(column="i", value_set=[0, 1], ties_okay=True),
    ColumnExists(column="s", column_index=3),
    ColumnsMatchSet(column_set=["id", "f", "i", "s", "t"]),
    ColumnsMatchOrderedList(column_list=["f", "s"], exact_match=False),
    ColumnCountBetween(min_value=5, max_value=5),
    ColumnCountEqual(value=5),
    RowCountBetween(min_value=10),
    RowCountEqual(value=0),
    NoExtraColumns(column_set=["f", "i", "s", "t"]),
    ColumnType(column="t", logical_type="datetime"),
    ColumnDtype(column="i", dtype="int64"),
    NoDrift(column="f", reference=str(REFERENCE)),
    NoDrift(column="s", reference=str(REFERENCE), method="total_variation"),
    ZScoreBelow("i", threshold=1.5),
    ZScoreBelow("i", threshold=0.5, double_sided=False, mostly=0.5),
    NoOutliers("i", factor=0.5),
    NoOutliers("i", method="std", factor=1),
    KlDivergenceBelow(column="i", values=[0, 1, 2], weights=[0.5, 0.25, 0.25], threshold=1),
    KlDivergenceBelow(column="f", bins=[-1, 0, 1, 2], weights=[0.2, 0.3, 0.5], threshold=1),
    MatchesRegexList("s", regex_list=["^a", "1"], match_on="all"),
    MatchesRegexList("s", regex_list=["^a", r"\d$"]),
    NotMatchesRegexList("s", regex_list=["é", " "]),
    MatchesLikePattern("s", like_pattern="a%"),
    NotMatchesLikePattern("s", like_pattern="_b"),
    MatchesLikePatternList("s", like_pattern_list=["a%", "%2"], match_on="any"),
    NotMatchesLikePatternList("s", like_pattern_list=["%é%", "1_"]),
    DateutilParseable("s"),
    MatchesJsonSchema("s", json_schema={"type": "number", "minimum": 2}),
    InTypeList("s", types=["string"]),
    InTypeList("t", types=["date", "integer"]),
    PairInSet(column_a="i", column_b="s", value_pairs_set=[[1, "a"], [2, "b"], [0, ""]]),
    EqualWithinRecord(column_list=["f", "i"]),
    Between("f", min_value=0, where="i > 0 and s != 'a'"),
    Freshness(column="t", max_age=Duration("1d")),
    ForeignKey(column="i", table="other", table_column="f"),
    ForeignKey(columns=("s", "f"), table="other", table_columns=("s", "f"), mostly=0.5),
    RowCountEqualTable(table="other"),
    DistinctValuesEqualTable(column="s", table="other", table_column="s"),
    RateParity(column="i", group_by=("s",), positive=1, min_ratio=0.5, min_group_rows=2),
    RateParity(column="f", group_by=("s", "t"), positive=0.0, max_difference=0.3, min_group_rows=1),
    MissingnessParity(column="f", group_by=("s",), max_difference=0.2, min_group_rows=2),
    GroupShareBetween(group_by=("s", "f"), min_share=0.05, max_share=0.5),
    GroupShareBetween(group_by=("s",), reference=str(REFERENCE), tolerance=0.2),
]
# The other table the cross-table expectations read: integers as floats, -0.0, inf and NaN.
TABLES = {
    "other": pa.table(
        {
            "f": pa.array([0.0, 1.0, -0.0, 2.5, math.inf, math.nan, None], pa.float64()),
            "s": pa.array(["a", "b", "", "a", "12", None, "é"], pa.string()),
        }
    )
}
SUITE = dg.Suite(EXPECTATIONS)
ROW_LEVEL = [e for e in EXPECTATIONS if isinstance(e, RowExpectation)]


def test_every_registered_expectation_is_exercised() -> None:
    assert {e.name for e in EXPECTATIONS} == set(registered())


#: The clock of runs compared with each other, so that freshness reports the same ages.
NOW = dt.datetime(2020, 1, 4, tzinfo=dt.timezone.utc)


def validate(data: Any, suite: dg.Suite, **options: Any) -> dg.ValidationResult:
    return dg.validate(data, suite, now=NOW, tables=TABLES, **options)


def _results(result: dg.ValidationResult) -> list[dict[str, Any]]:
    """The result dicts without run metadata (timing)."""
    return [r.to_dict() for r in result.results]


@settings(max_examples=40)
@given(table=tables())
def test_results_do_not_depend_on_batch_size(table: pa.Table) -> None:
    whole = _results(validate(table, SUITE, result_format="complete", id_columns=("id",)))
    for chunk_size in (1, 7):
        again = validate(
            table, SUITE, result_format="complete", id_columns=("id",), chunk_size=chunk_size
        )
        assert _results(again) == whole, chunk_size
    assert _results(validate(table, SUITE, workers=1)) == _results(validate(table, SUITE))


@settings(max_examples=20)
@given(table=tables())
def test_streams_and_polars_give_the_same_results(table: pa.Table) -> None:
    # The summary format keeps 20 samples: merging must keep the first 20 in row order.
    whole = _results(validate(table, SUITE))
    batches = table.to_batches(max_chunksize=4) or [pa.RecordBatch.from_pylist([], table.schema)]
    streamed = validate(iter(batches), SUITE, chunk_size=3)
    assert _results(streamed) == whole
    # polars names dtypes its own way ("Datetime(...)"); everything else is the same.
    from_polars = _results(validate(pl.from_arrow(table), SUITE))
    typed = [i for i, e in enumerate(EXPECTATIONS) if isinstance(e, ColumnType | ColumnDtype)]
    assert [r for i, r in enumerate(from_polars) if i not in typed] == [
        r for i, r in enumerate(whole) if i not in typed
    ]


@settings(max_examples=30)
@given(table=tables(), chunk_size=st.sampled_from([None, 1, 7]))
def test_pandas_object_strings_give_the_arrow_results(
    table: pa.Table, chunk_size: int | None
) -> None:
    # One object per distinct string, as pd.read_parquet gives with pandas 2: the text column is
    # then encoded by object and its checks run per distinct value (dataguard._frame._objects).
    # Other columns stay Arrow-backed so that their types are the table's. An object column with
    # no string at all is Arrow type null, not string (as before): those frames differ by design.
    assume(table.column("s").null_count < len(table))
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    shared: dict[str, str] = {}
    text = [None if v is None else shared.setdefault(v, v) for v in table.column("s").to_pylist()]
    frame["s"] = pd.Series(text, dtype=object)
    typed = [i for i, e in enumerate(EXPECTATIONS) if isinstance(e, ColumnType | ColumnDtype)]
    whole = _results(validate(table, SUITE, result_format="complete", id_columns=("id",)))
    got = _results(
        validate(frame, SUITE, result_format="complete", id_columns=("id",), chunk_size=chunk_size)
    )
    assert [r for i, r in enumerate(got) if i not in typed] == [
        r for i, r in enumerate(whole) if i not in typed
    ]


@settings(max_examples=40)
@given(table=tables())
def test_inputs_are_never_mutated(table: pa.Table) -> None:
    frame = table.to_pandas()
    frame["obj"] = pd.Series([None if k % 3 else {"k": k} for k in range(len(frame))], dtype=object)
    frame["cat"] = pd.Categorical(table.column("s").to_pylist())
    frame["nullable"] = pd.array(table.column("i").to_pylist(), dtype="Int64")
    frame_before = frame.copy(deep=True)
    table_before = _ipc(table)  # a true copy of the buffers, NaN included
    suite = SUITE.with_expectations(
        NotNull("obj"), InSet("cat", value_set=["a"]), Unique("nullable")
    )
    dg.validate(frame, suite, result_format="complete", chunk_size=7, tables=TABLES)
    dg.validate(table, SUITE, result_format="complete", chunk_size=7, tables=TABLES)
    pd.testing.assert_frame_equal(frame, frame_before, check_exact=True)
    assert list(frame.dtypes) == list(frame_before.dtypes)
    assert _ipc(table) == table_before


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


# --- the naive oracle: which rows fail, computed with pandas and plain Python ------------------


def _present(series: pd.Series) -> pd.Series:
    return ~series.isna()


def _ordered(series: pd.Series, broken: Callable[[Any, Any], bool]) -> pd.Series:
    fail = pd.Series(False, index=series.index)
    previous = None
    for position, value in series.items():
        if pd.isna(value):
            continue
        if previous is not None and broken(previous, value):
            fail[position] = True
        previous = value
    return fail


def _each(series: pd.Series, predicate: Callable[[Any], bool]) -> pd.Series:
    return series.map(lambda v: False if pd.isna(v) else not predicate(v)).astype(bool)


def _strptime(text: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _found(column: pd.Series, pattern: str) -> pd.Series:
    """Whether ``re.search`` finds the pattern (GX's pandas implementation); False if missing."""
    return column.map(lambda v: False if pd.isna(v) else re.search(pattern, v) is not None).astype(
        bool
    )


def oracle(expectation: Expectation, frame: pd.DataFrame) -> np.ndarray:
    """Failing rows of a row-level expectation, by GX's rules, written naively."""
    e: Any = expectation
    if isinstance(e, ForeignKey):
        other = TABLES[e.table].to_pandas()[list(e.table_columns)].dropna()
        known = set(other.itertuples(index=False, name=None))
        keys = frame[list(e.columns)]
        present = keys.notna().all(axis=1).to_numpy()
        held = np.array([k in known for k in keys.itertuples(index=False, name=None)], bool)
        return present & ~held
    if isinstance(e, NotNull):
        return frame[e.column].isna().to_numpy()
    if isinstance(e, Null):
        return (~frame[e.column].isna()).to_numpy()
    if isinstance(e, Expression):  # every row is judged; a missing result fails
        return ~_condition(frame, e.expr)
    if e.where is not None:
        kept = _condition(frame, e.where)
        inner = oracle(dataclasses.replace(e, where=None), frame[kept].reset_index(drop=True))
        fail = np.zeros(len(frame), dtype=bool)
        fail[np.flatnonzero(kept)] = inner
        return fail
    if isinstance(e, RowExpectation) and len(e.columns) == 1:
        column = frame[e.column]
        present = _present(column)
        return (present & _single(e, column, present)).to_numpy()
    a, b = (frame[c] for c in e.columns[:2])
    missing = pd.concat([frame[c].isna() for c in e.columns], axis=1)
    ignore = {
        "any_value_is_missing": missing.any(axis=1),
        "all_values_are_missing": missing.all(axis=1),
    }
    ignored = ignore.get(e.ignore_row_if, pd.Series(False, index=frame.index))
    if isinstance(e, PairGreater):
        kept = ~(a > b) if not e.or_equal else ~(a >= b)
        fail = kept | a.isna() | b.isna()
    elif isinstance(e, PairEqual):
        fail = ~(a == b) | a.isna() | b.isna()
    elif isinstance(e, CompoundColumnsUnique):
        fail = frame[list(e.column_list)].duplicated(keep=False)
    elif isinstance(e, UniqueWithinRecord):
        fail = pd.Series(False, index=frame.index)
        for x, y in zip(e.column_list, e.column_list[1:], strict=False):
            fail |= (frame[x] == frame[y]).fillna(False).astype(bool)
    elif isinstance(e, MulticolumnSumEqual):
        total = sum(frame[c].astype(float) for c in e.column_list)
        fail = ~(total == e.sum_total)
    elif isinstance(e, PairInSet):
        pairs = {(float(x), y) for x, y in e.value_pairs_set}
        rows = zip(a.tolist(), b.tolist(), strict=True)
        fail = pd.Series([(x, y) not in pairs for x, y in rows], index=frame.index)
        fail = fail | a.isna() | b.isna()
    elif isinstance(e, EqualWithinRecord):
        fail = ~(a == b) | a.isna() | b.isna()
    else:
        raise AssertionError(f"no oracle for {e.name}")
    return (fail & ~ignored).to_numpy(dtype=bool)


def _single(e: Any, column: pd.Series, present: pd.Series) -> pd.Series:
    if isinstance(e, Between):
        low, high = e.min_value, e.max_value
        if isinstance(low, str):
            low = pd.Timestamp(low)
        below = (column <= low if e.strict_min else column < low) if low is not None else False
        above = (column >= high if e.strict_max else column > high) if high is not None else False
        return pd.Series(below | above, index=column.index)
    if isinstance(e, InSet):
        return ~column.isin(list(e.value_set))
    if isinstance(e, NotInSet):
        return column.isin(list(e.value_set))
    if isinstance(e, Unique):
        duplicated = column[present].duplicated(keep=False)
        return duplicated.reindex(column.index, fill_value=False)
    if isinstance(e, Increasing | Decreasing):
        decreasing = isinstance(e, Decreasing)

        def broken(previous: Any, current: Any) -> bool:
            low, high = (current, previous) if decreasing else (previous, current)
            return bool(high <= low) if e.strictly else bool(high < low)

        return _ordered(column, broken)
    if isinstance(e, MatchesRegex):
        return ~_found(column, e.regex)
    if isinstance(e, NotMatchesRegex):
        return _found(column, e.regex)
    if isinstance(e, ValueLengthBetween):
        return _each(column, lambda v: e.min_value <= len(v) <= e.max_value)
    if isinstance(e, ValueLengthEqual):
        return _each(column, lambda v: len(v) == e.value)
    if isinstance(e, MatchesStrftimeFormat):
        return _each(column, lambda v: _strptime(v, e.strftime_format))
    if isinstance(e, JsonParseable):
        return _each(column, _json)
    if isinstance(e, ZScoreBelow | NoOutliers):
        return _spread(e, column, present)
    if isinstance(e, MatchesRegexList):
        hits = [_found(column, p) for p in e.regex_list]
        combined = pd.concat(hits, axis=1).all(axis=1) if e.match_on == "all" else None
        return ~(combined if combined is not None else pd.concat(hits, axis=1).any(axis=1))
    if isinstance(e, NotMatchesRegexList):
        return pd.concat([_found(column, p) for p in e.regex_list], axis=1).any(axis=1)
    if isinstance(e, MatchesLikePattern | NotMatchesLikePattern):
        hit = _each(column, lambda v: not _like(v, e.like_pattern))
        return ~hit if isinstance(e, MatchesLikePattern) else hit
    if isinstance(e, MatchesLikePatternList):
        join = all if e.match_on == "all" else any
        return _each(column, lambda v: join(_like(v, p) for p in e.like_pattern_list))
    if isinstance(e, NotMatchesLikePatternList):
        return _each(column, lambda v: not any(_like(v, p) for p in e.like_pattern_list))
    if isinstance(e, DateutilParseable):
        return _each(column, _dateutil)
    if isinstance(e, MatchesJsonSchema):
        return _each(column, lambda v: _valid(v, e.json_schema.to_plain()))
    if isinstance(e, InTypeList):
        kinds = {"object": "string", "str": "string", "datetime64[us]": "datetime"}
        kind = kinds.get(str(column.dtype), str(column.dtype))
        return pd.Series(kind not in e.types, index=column.index)
    raise AssertionError(f"no oracle for {e.name}")


def _condition(frame: pd.DataFrame, where: str) -> np.ndarray:
    """The rows a ``where`` of the examples keeps, by pandas' own query engine."""
    spelled = where.replace(" and ", " & ").replace(" or ", " | ")
    return frame.eval(spelled).fillna(False).to_numpy(dtype=bool)


def _spread(e: Any, column: pd.Series, present: pd.Series) -> pd.Series:
    values = [float(v) for v in column[present]]
    fail = pd.Series(False, index=column.index)
    if isinstance(e, NoOutliers) and e.method == "iqr":
        if not values:
            return fail
        q1, q3 = np.quantile(values, (0.25, 0.75))
        k = e.effective_factor
        return (column < q1 - k * (q3 - q1)) | (column > q3 + k * (q3 - q1))
    mean = statistics.mean(values) if values else None
    stdev = statistics.stdev(values) if len(values) > 1 else None
    if isinstance(e, NoOutliers):
        if stdev is None:
            return fail
        k = e.effective_factor
        return (column < mean - k * stdev) | (column > mean + k * stdev)
    if stdev is None or stdev == 0:
        return pd.Series(True, index=column.index)
    z = (column.astype(float) - mean) / stdev
    return ~(z.abs() < e.threshold) if e.double_sided else ~(z < e.threshold)


def _like(text: str, pattern: str) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None


def _dateutil(text: str) -> bool:
    from dateutil import parser

    try:
        parser.parse(text)
    except (ValueError, OverflowError):
        return False
    return True


def _valid(text: str, schema: dict[str, Any]) -> bool:
    import jsonschema

    try:
        return bool(jsonschema.Draft202012Validator(schema).is_valid(json.loads(text)))
    except ValueError:
        return False


@pytest.mark.parametrize("expectation", ROW_LEVEL, ids=lambda e: f"{e.name}-{'-'.join(e.columns)}")
@settings(max_examples=40)
@given(table=tables())
def test_row_level_expectations_agree_with_a_naive_oracle(
    expectation: Expectation, table: pa.Table
) -> None:
    frame = table.to_pandas()
    failing = oracle(expectation, frame)
    expected = tuple(int(i) for i in np.flatnonzero(failing))
    result = dg.validate(
        table, dg.Suite([expectation]), result_format="complete", tables=TABLES
    ).results[0]
    assert result.unexpected_index_list == expected
    assert result.unexpected_count == len(expected)
    rows = table.num_rows if expectation.where is None else _condition(frame, expectation.where)
    assert result.element_count == (rows if isinstance(rows, int) else int(rows.sum()))
    assert result.unexpected_list is not None
    assert len(result.unexpected_list) == len(expected)
    # The same through pandas, where integers with nulls are floats and NaN is null.
    via_pandas = dg.validate(
        frame, dg.Suite([expectation]), result_format="complete", tables=TABLES
    ).results[0]
    assert via_pandas.unexpected_index_list == expected
