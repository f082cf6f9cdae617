"""Scoring identity resolution: the metrics on worked examples, and synthetic truth mapped onto
the records of a case."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identity.scoring import score_resolution
from darkroom.identity.stage import run_identity
from darkroom.synth.evaluate_identity import score_identity, synthetic_labels
from tests.identity.builders import CaseBuilder, mobile


def test_pairwise_and_bcubed_on_a_worked_example() -> None:
    truth = {"a": "P1", "b": "P1", "c": "P2", "d": "P2"}
    predicted = {"a": "x", "b": "x", "c": "x"}  # d stands alone
    score = score_resolution(truth, predicted)
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (2, 3, 1)
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 2)
    assert score.f1 == pytest.approx(0.4)
    # B-cubed precision: a, b: 2/3 each; c: 1/3; d: 1.  Recall: a, b: 1; c, d: 1/2.
    assert score.bcubed_precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert score.bcubed_recall == pytest.approx(0.75)
    assert (score.records, score.true_persons, score.predicted_clusters) == (4, 2, 2)


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.sampled_from("ABCDE"), min_size=1, max_size=30))
def test_a_perfect_prediction_scores_one(truth: dict[str, str]) -> None:
    score = score_resolution(truth, {ref: f"person:{label}" for ref, label in truth.items()})
    assert score.bcubed_precision == score.bcubed_recall == 1.0
    assert score.precision in {None, 1.0} and score.recall in {None, 1.0}


def test_synthetic_truth_names_accounts_and_cards(tmp_path: Path) -> None:
    case = CaseBuilder(tmp_path / "case")
    card = case.card("EX-1", "Daniel S", phones=(mobile(1),))
    other_card = case.card("EX-1", "Lina", phones=(mobile(2),))
    case.account("whatsapp", mobile(1), ("Daniel",), "EX-1")
    sms = case.account("sms", mobile(1), (), "EX-1")
    label = case.account("whatsapp", "Daniel S", (), "EX-1")
    shared_label = case.account("whatsapp", "Jan", (), "EX-1")
    case.account("telegram", "nobody_knows", (), "EX-1")
    truth = {
        "exhibits": [{"ref": "EX-1", "path": "EX-1", "container": "folder"}],
        "accounts": [
            {"key": f"account:phone:{mobile(1)}", "person": "P1"},
            {"key": f"account:whatsapp:{mobile(1)}", "person": "P1"},
            {"key": f"account:phone:{mobile(2)}", "person": "P2"},
        ],
        "files": [
            {
                "exhibit": "EX-1",
                "path": "Contacts/contacts.vcf",
                "content": {
                    "cards": [
                        {
                            "name": "Daniel S",
                            "identifiers": [{"kind": "phone", "value": mobile(1)}],
                            "person": "P1",
                        },
                        {
                            "name": "Lina",
                            "identifiers": [{"kind": "phone", "value": mobile(2)}],
                            "person": "P2",
                        },
                    ]
                },
            },
            {
                "exhibit": "EX-1",
                "path": "chat1.txt",
                "content": {
                    "platform": "whatsapp",
                    "participants": [
                        {"label": "Daniel S", "account": f"account:whatsapp:{mobile(1)}"},
                        {"label": "Jan", "person": "P7"},
                    ],
                },
            },
            {
                "exhibit": "EX-1",
                "path": "chat2.txt",
                "content": {
                    "platform": "whatsapp",
                    "participants": [
                        {"label": "Jan", "person": "P8"},
                    ],
                },
            },
        ],
    }
    labels, counts = synthetic_labels(case.store, truth)
    assert labels[f"contact:{card}"] == "P1" and labels[f"contact:{other_card}"] == "P2"
    assert labels[f"account:{sms}"] == "P1"  # a number on any platform is its owner's
    assert labels[f"account:{label}"] == "P1"  # a chat export's name for one person
    assert f"account:{shared_label}" not in labels  # "Jan" names two people
    assert counts["accounts_ambiguous"] == 1
    assert counts["contacts_labelled"] == counts["contacts"] == 2
    run_identity(case.store, "tester")
    result = score_identity(case.store, truth)
    assert result.score.precision == 1.0
    assert result.run_mode == "deterministic-only"
    case.close()
