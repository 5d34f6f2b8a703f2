"""The event assessor: weight file format, features from the rules' evidence, and demotion semantics.

The behaviour tests use small hand-written weight tables, so they pin the mechanism rather than the
fitted numbers; the shipped table is only checked for being complete and loadable."""
from __future__ import annotations

import pytest

from pipelines.extract.assessor import DEMOTED_RULE, Assessor, default_assessor, features, parse_weights
from pipelines.records import ActorMention, Event, Quantity, Span, TemporalExpression

SENTENCE = "وقال مصدر إن طائرات قصفت ما لا يقل عن 12 موقعا أمس."
TRIGGER = SENTENCE.index("قصفت")
COUNT = SENTENCE.index("ما لا يقل")


def event(etype: str = "ASSAULT", modality: str = "asserted", mode: str | None = "aerial", offset: int = 0,
          explain: tuple[str, ...] = (), quantities: tuple[Quantity, ...] = ()) -> Event:
    return Event("d", 0, etype, Span("قصفت", offset + TRIGGER, offset + TRIGGER + 4), modality, mode,  # type: ignore[arg-type]
                 quantities=list(quantities), explain=list(explain))


RULE_EXPLAIN = ("trigger:قصف ASSAULT/aerial 'قصفت' weight 0.75", "modality:asserted:default",
                "quantity:12 launched (number+min;after:قصفت)", "actor:agent_verb:قصفتها", "date:relative:yesterday",
                "evidence:1.25")


def test_features_name_rules_entries_and_words_around_the_trigger() -> None:
    count = Quantity("ما لا يقل عن 12", COUNT, COUNT + 15, 12, role="killed")
    f = features([event(explain=RULE_EXPLAIN, quantities=(count,))], 1, SENTENCE, 0,
                 [TemporalExpression("أمس", SENTENCE.index("أمس"), SENTENCE.index("أمس") + 3, None, None,
                                     "relative", "yesterday")])
    assert f["trigger:قصف"] == f["mode=ASSAULT/aerial"] == f["modality:asserted:default"] == 1.0
    assert f["q_role=launched"] == f["arg=actor:agent_verb"] == f["date=relative"] == 1.0
    assert f["ev"] == pytest.approx(1.25) and f["n_events"] == 1.0 and f["n_other"] == 1.0
    assert f["rules_asserted"] == f["mod=asserted"] == 1.0
    assert f["time=relative:yesterday"] == 1.0 and f["count+time"] == 1.0
    assert f["b=قال"] == f["b=وقال"] == 1.0  # before the trigger, with and without its conjunction
    assert f["a=امس"] == 1.0 and "b=امس" not in f  # normalised, after the trigger
    assert "w=لا" not in f and "w=يقل" not in f  # words of the count are not cues ("ما لا يقل عن")


def test_features_without_time_or_count() -> None:
    f = features([event(modality="historical"), event(modality="asserted")], 0, SENTENCE, 0)
    assert f["mod=historical"] == f["mod=asserted"] == 1.0 and f["n_events"] == 2.0
    assert not any(k.startswith(("time=", "count")) for k in f)


def test_features_use_offsets_relative_to_the_sentence() -> None:
    assert features([event(offset=1000)], 0, SENTENCE, 1000) == features([event()], 0, SENTENCE, 0)


TABLE = """# a table written for this test
ASSAULT\t@threshold\t0.5
ASSAULT\tbias\t-1.0
ASSAULT\tb=قال\t3.0
PROTEST\t@threshold\t0.5
PROTEST\tbias\t2.0
"""


def test_parse_weights_reads_thresholds_and_weights() -> None:
    a = parse_weights(TABLE)
    assert a.thresholds == {"ASSAULT": 0.5, "PROTEST": 0.5}
    assert a.weights["ASSAULT"] == {"bias": -1.0, "b=قال": 3.0}
    assert a.probability("ASSAULT", {"bias": 1.0}) == pytest.approx(0.2689, abs=1e-4)
    assert a.probability("COERCE", {"bias": 1.0}) is None


@pytest.mark.parametrize("text, message", [
    ("ASSAULT\tbias\n", "line 1: want 3 tab-separated fields"),
    ("ASSAULT\t@threshold\t0.5\nASSAULT\tbias\tlots\n", "line 2: weight 'lots' is not a number"),
    ("ASSAULT\tbias\t1.0\n", "no @threshold for ASSAULT"),
])
def test_parse_weights_rejects_a_broken_table(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weights(text)


def test_assess_demotes_only_asserted_events_of_judged_types() -> None:
    a = parse_weights(TABLE)
    plain = "طائرات قصفت ما لا يقل عن 12 موقعا أمس."  # no "قال" before the trigger: p = 0.27 for ASSAULT
    shift = SENTENCE.index("طائرات")
    evs = [event(offset=-shift), event(modality="future", offset=-shift),
           event("PROTEST", mode="demo", offset=-shift), event("COERCE", mode="arrest", offset=-shift)]
    out = a.assess(evs, plain, 0)
    assert [e.event_type for e in out] == ["ASSAULT", "ASSAULT", "PROTEST", "COERCE"]
    assert out[0].modality == "historical" and out[0].explain[-1] == DEMOTED_RULE
    assert out[0].explain[-2].startswith("assessor:p=0.27")
    assert out[1].modality == "future" and DEMOTED_RULE not in out[1].explain  # rules' marks stay
    assert out[2].modality == "asserted" and out[2].explain[-1].startswith("assessor:p=0.")
    assert out[3] is evs[3]  # a type the model was not trained for is left alone
    assert evs[0].modality == "asserted"  # the input events are not mutated


def test_assess_keeps_what_the_model_accepts() -> None:
    out = parse_weights(TABLE).assess([event()], SENTENCE, 0)  # "وقال ... إن": p = 0.88
    assert out[0].modality == "asserted" and out[0].explain[-1].startswith("assessor:p=0.88")


def test_assess_leaves_crowd_control_to_the_rules() -> None:
    out = parse_weights(TABLE).assess([event(mode="crowd-control", offset=-SENTENCE.index("طائرات"))],
                                      "طائرات قصفت ما لا يقل عن 12 موقعا أمس.", 0)
    assert out[0].modality == "asserted"


def test_shipped_weights_cover_the_labelled_types() -> None:
    a = default_assessor()
    assert set(a.weights) == {"ASSAULT", "PROTEST"}
    for etype, weights in a.weights.items():
        assert 0.0 < a.thresholds[etype] < 1.0
        assert "bias" in weights and len(weights) > 100
        assert not [k for k in weights if not k.isprintable()]


def test_actor_mention_features_only_count_presence() -> None:
    e = event()
    e.actor = ActorMention("طائرات", 0, 6, "USA MIL")
    assert features([e], 0, SENTENCE, 0)["has_actor"] == 1.0
    assert "has_actor" not in features([event()], 0, SENTENCE, 0)
