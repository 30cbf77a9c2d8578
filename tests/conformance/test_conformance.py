"""Great Expectations' own test definitions, run through dataguard (see ``harness``).

Every pandas-applicable case must pass or be listed in ``docs/conformance.md`` with its reason,
and the number passed must reach the number the document promises, so regressions cannot hide.
"""

from __future__ import annotations

import pytest

from tests.conformance.harness import (
    CONFORMANCE_DIR,
    DOCUMENTED,
    Outcome,
    available,
    cases,
    documented,
    run,
)

pytestmark = pytest.mark.skipif(
    not available(),
    reason=f"GX conformance corpus not found at {CONFORMANCE_DIR} (set DATAGUARD_CONFORMANCE_DIR)",
)
CASES = cases() if available() else []
PROMISED, LISTED = documented()


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    return {case.id: run(case) for case in CASES}


def test_the_corpus_has_its_483_pandas_cases() -> None:
    assert len(CASES) == 483
    assert len({case.id for case in CASES}) == 483


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_passes_or_is_documented(case: object, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[case.id]  # type: ignore[attr-defined]
    if not outcome.passed:
        assert outcome.case.id in LISTED, (
            f"{outcome.case.id} ({outcome.case.title}) fails and is not listed in {DOCUMENTED}: "
            f"{outcome.reason}"
        )


def test_the_promised_count_is_reached(outcomes: dict[str, Outcome]) -> None:
    passed = sum(o.passed for o in outcomes.values())
    assert passed >= PROMISED
    assert PROMISED >= 469
    assert PROMISED + len(LISTED) == len(CASES)


def test_listed_cases_exist() -> None:
    assert {case.id for case in CASES} >= LISTED
