"""``dataguard report`` reads only well-formed, bounded documents, and says where they break."""

from __future__ import annotations

import copy
import gzip
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import dataguard as dg
from dataguard.cli import main
from dataguard.expectations import Between, InSet, NotNull, Unique
from dataguard.report import load_document
from dataguard.report._schema import SCHEMAS, schema_errors, shipped_schema


def _documents() -> dict[str, dict[str, Any]]:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "id": np.arange(300) % 290,
            "amount": rng.normal(50, 10, 300),
            "status": rng.choice(["new", "done", None], 300),
        }
    )
    suite = [Unique("id"), Between("amount", min_value=30), InSet("status", value_set=["new"])]
    result = dg.validate(frame, [*suite, NotNull("status")], result_format="complete")
    shifted = frame.assign(amount=frame["amount"] + 5)
    report = dg.drift(shifted, reference=frame)
    return {"validation": json.loads(result.to_json()), "drift": json.loads(report.to_json())}


DOCUMENTS = _documents()


def _reference_validator(kind: str) -> Draft202012Validator:
    text = resources.files("dataguard").joinpath(f"schemas/{SCHEMAS[kind]}.schema.json")
    return Draft202012Validator(json.loads(text.read_text("utf-8")))


def _mutations(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` with one value somewhere replaced, removed or added."""
    doc = copy.deepcopy(doc)
    node = doc
    for _ in range(draw(st.integers(0, 6))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        children = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
        if not children:
            break
        _, node = draw(st.sampled_from(children))
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    if not keys:
        return doc
    target = draw(st.sampled_from(keys))
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    junk = draw(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-3, 3),
            st.floats(-2, 200, allow_nan=False),
            st.text(max_size=5),
            st.just([]),
            st.just({}),
        )
    )
    if action == "replace":
        node[target] = junk
    elif action == "remove" and isinstance(node, dict):
        del node[target]
    elif isinstance(node, dict):
        node["unexpected_" + str(target)] = junk
    return doc


@pytest.mark.parametrize("kind", ["validation", "drift"])
def test_real_documents_are_valid(kind: str) -> None:
    assert list(schema_errors(DOCUMENTS[kind], shipped_schema(kind))) == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["validation", "drift"]), st.data())
def test_the_validator_agrees_with_jsonschema(kind: str, data: st.DataObject) -> None:
    doc = data.draw(st.composite(lambda draw: _mutations(draw, DOCUMENTS[kind]))())
    ours = list(schema_errors(doc, shipped_schema(kind)))
    reference = list(_reference_validator(kind).iter_errors(doc))
    assert bool(ours) == bool(reference), (ours, [e.message for e in reference])


def _run(argv: list[str]) -> int:
    return main(argv, stdout=io.StringIO())


@pytest.mark.parametrize(
    ("mangle", "words"),
    [
        (lambda d: d["columns"][0].update(column=1), "columns[0].column: 1 is not of type string"),
        (lambda d: d["columns"][0].pop("drifted"), "columns[0].drifted: missing"),
        (lambda d: d.pop("columns"), "columns: missing"),
        (lambda d: d.update(drift_share=2.0), "drift_share: 2.0 is above 1"),
    ],
)
def test_a_malformed_drift_document_is_refused_with_the_place(
    mangle: Any, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = copy.deepcopy(DOCUMENTS["drift"])
    mangle(doc)
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(doc))
    assert _run(["report", str(path), "-o", str(tmp_path / "out.html")]) == 2
    err = capsys.readouterr().err
    assert "drift.json: not a valid drift document" in err
    assert words in err
    assert not (tmp_path / "out.html").exists()
    with pytest.raises(dg.InputError, match="not a valid drift document"):
        dg.render_html(doc)


def test_a_malformed_validation_document_is_refused(tmp_path: Path) -> None:
    doc = copy.deepcopy(DOCUMENTS["validation"])
    doc["results"][0]["passed"] = "yes"
    with pytest.raises(dg.InputError, match=r"results\[0\]\.passed: \"yes\" is not of type"):
        dg.render_html(doc)


def test_hostile_documents_are_input_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    with pytest.raises(dg.InputError, match=r"deep\.json: not read: it is nested too deeply"):
        load_document(deep)
    monkeypatch.setattr("dataguard._documents.MAX_JSON_BYTES", 1_000_000)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * 5_000_000))
    with pytest.raises(dg.InputError, match="inflates to more than 1,000,000 bytes"):
        load_document(bomb)
