"""The gazetteer's own part of the dev-gold acceptance: each gold location span is found in its
sentence and resolved to the gold country (the event-level score also depends on extraction)."""
from __future__ import annotations

import json

import pytest

from pipelines.gazetteer import find_actors, find_places

pytestmark = pytest.mark.shared


def _gold(shared_dir):
    path = shared_dir / "gold" / "events_dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_locations_resolve_to_the_gold_country(shared_dir):
    hits = total = 0
    for g in _gold(shared_dir):
        places = find_places(g["text"])
        assert all(p.lat is not None and p.lon is not None for p in places)
        for e in g["events"]:
            loc = e.get("location")
            if not loc or not loc.get("code"):
                continue
            s = g["text"].find(loc["text"])
            total += 1
            hits += any(p.start < s + len(loc["text"]) and s < p.end and p.country == loc["code"] for p in places)
    assert total >= 20
    assert hits / total >= 0.9, f"{hits}/{total}"


def test_gold_coded_actor_spans_are_found(shared_dir):
    hits = total = 0
    for g in _gold(shared_dir):
        actors = find_actors(g["text"])
        for e in g["events"]:
            for slot in ("actor", "target"):
                arg = e.get(slot)
                if not arg or not arg.get("code"):
                    continue
                s = g["text"].find(arg["text"])
                total += 1
                hits += any(a.start < s + len(arg["text"]) and s < a.end for a in actors)
    assert hits / total >= 0.9, f"{hits}/{total}"
