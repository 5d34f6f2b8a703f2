"""The trigger lexicon: coverage, validity, and every entry's own test sentence."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract.triggers import (
    PLOVER_TYPES, SUPPRESS, LexiconError, default_lexicon, find_triggers, load_lexicon,
)
from pipelines.records import AnalyzedSentence, Sentence

# Modes per type, from the PLOVER manual v0.8 (tables 3.1-3.11). Types without a table have none.
PLOVER_MODES = {
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "RETREAT": {"withdraw", "release", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "THREATEN": {"restrict", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {"seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
               "misinformation", "cyber"},
    "ASSAULT": {"abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
                "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
                "unconventional"},
}

LEX = default_lexicon()
EVENT_ENTRIES = [e for e in LEX.entries if e.event_type != SUPPRESS]
SUPPRESS_ENTRIES = [e for e in LEX.entries if e.event_type == SUPPRESS]


def _sentence(text: str, start: int = 0) -> AnalyzedSentence:
    return AnalyzedSentence(Sentence("doc", 0, start, start + len(text), text), ())


def test_at_least_400_event_entries_across_all_16_types():
    assert len(EVENT_ENTRIES) >= 400
    by_type = {t: sum(e.event_type == t for e in EVENT_ENTRIES) for t in PLOVER_TYPES}
    assert len(PLOVER_TYPES) == 16
    assert all(n >= 10 for n in by_type.values()), by_type


def test_modes_are_plover_modes():
    for e in EVENT_ENTRIES:
        if e.mode is not None:
            assert e.mode in PLOVER_MODES.get(e.event_type, set()), (e.id, e.event_type, e.mode)


def test_weights_and_test_sentences_present():
    for e in LEX.entries:
        assert 0.0 <= e.weight <= 1.0, e.id
        assert e.test.strip(), f"{e.id} has no test sentence"


def test_every_file_names_its_source_and_licence():
    assert LEX.sources
    for name, note in LEX.sources.items():
        assert "Marsad" in note and "Apache-2.0" in note, name


def test_suppress_entries_say_what_they_hide():
    for e in SUPPRESS_ENTRIES:
        assert e.hides in PLOVER_TYPES, e.id


@pytest.mark.parametrize("entry", EVENT_ENTRIES, ids=[e.id for e in EVENT_ENTRIES])
def test_entry_fires_on_its_own_sentence(entry):
    matches = find_triggers(_sentence(entry.test))
    fired = [m for m in matches if m.entry == entry.id]
    assert fired, f"{entry.id} did not fire on {entry.test!r}: got {[(m.entry, m.text) for m in matches]}"
    m = fired[0]
    assert m.event_type == entry.event_type and m.mode == entry.mode
    assert entry.test[m.start:m.end] == m.text


@pytest.mark.parametrize("entry", SUPPRESS_ENTRIES, ids=[e.id for e in SUPPRESS_ENTRIES])
def test_suppressor_hides_its_type(entry):
    matches = find_triggers(_sentence(entry.test))
    assert not [m for m in matches if m.event_type == entry.hides], (entry.id, matches)


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "triggers_x.yaml"
    p.write_text("source: test\nentries:\n" + body, encoding="utf-8")
    return p


@pytest.mark.parametrize("body,message", [
    ("- {id: a, type: BOMB, verb: [قتل, يقتل]}\n", "unknown event type"),
    ("- {id: a, type: ASSAULT}\n", "no forms"),
    ("- {id: a, type: ASSAULT, forms: [قتل]}\n- {id: a, type: ASSAULT, forms: [ذبح]}\n", "duplicate"),
    ("- {id: a, type: ASSAULT, forms: [قتل], wieght: 0.5}\n", "unknown keys"),
    ("- {id: a, type: ASSAULT, forms: [قتل], weight: 3}\n", "weight"),
    ("- {id: a, type: ASSAULT, forms: [قتل], gap: 2}\n", "gap"),
    ("- {id: a, type: ASSAULT, forms: [اطلاق النار]}\n", "one word"),
    ("- {id: a, type: ASSAULT, imperfect: [قتل]}\n", "must start with"),
    ("- {id: a, type: ASSAULT, forms: [قتل], also: RIOT/demo}\n", "also"),
])
def test_malformed_lexicon_is_rejected_with_a_clear_message(tmp_path, body, message):
    with pytest.raises(LexiconError, match=message):
        load_lexicon([_write(tmp_path, body)])


def test_not_yaml_is_rejected(tmp_path):
    p = tmp_path / "triggers_bad.yaml"
    p.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid YAML"):
        load_lexicon([p])


def test_a_custom_lexicon_drives_matching(tmp_path):
    lex = load_lexicon([_write(tmp_path, "- {id: x, type: PROTEST, mode: demo, verb: [تجمهر, يتجمهر]}\n")])
    ms = find_triggers(_sentence("وتجمهر العشرات أمام المبنى."), lex)
    assert [(m.entry, m.text, m.prefix) for m in ms] == [("x", "وتجمهر", "و")]
