"""Pins the dev-set scores: runs ../shared/eval/score.py against the installed `marsad` CLI.

Fails when a change makes event types, quantities, arguments or event dates worse than the level
reached when this test was written (see FLOORS). Raise the floors when the scores improve.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.shared]

# The rules reached type F1 1.000, quantity F1 1.000, actor 23/25, target 30/32, location 25/26 and
# date 21/21 on 2026-11-29. The learned assessor then demoted three true ASSAULTs for its held-out
# precision (tolls told in sentences about protests, and one given as the time of another
# development): type F1 0.959, actor 21/23, target 27/29, location 22/23, date 19/19. Each floor
# leaves room for about one item.
# 2026-12-07: the article-level judge and role ranker (fitted on ~1,700 whole coded articles) give type
# F1 0.959, actor 23/24, location 22/24, date 20/20 and target 21/31. The ranker trades this set's
# targets for whole articles' (it prefers a named party or the finer place: "جبهة الملاجم" where this
# gold has "البيضاء", a coded party where it has "مدرسة"); on our blind articles it lifts target from
# the rules' level, and on articles_dev from 0.43 to 0.55. Target and location floors were lowered
# from 0.90 and 0.92 for that trade, with room for about one item each.
FLOORS = {"type_f1": 0.94, "quantity_f1": 0.97, "actor": 0.88, "target": 0.65, "location": 0.88, "date": 0.95}


def _marsad(repo_dir: Path) -> str:
    local = repo_dir / ".venv" / "bin" / "marsad"
    if local.exists():
        return str(local)
    found = shutil.which("marsad")
    if not found:
        pytest.skip("the marsad CLI is not installed")
    return found


@pytest.fixture(scope="module")
def score_output(shared_dir: Path, repo_dir: Path) -> str:
    env = dict(os.environ, MARSAD_CMD=_marsad(repo_dir))
    proc = subprocess.run(
        [sys.executable, str(shared_dir / "eval" / "score.py"), "events", str(shared_dir / "gold" / "events_dev.jsonl")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


def _scores(out: str) -> dict[str, float]:
    summary = re.search(r"type precision [\d.]+ recall [\d.]+ F1 ([\d.]+); quantity F1 ([\d.]+)", out)
    assert summary, out[-1000:]
    scores = {"type_f1": float(summary.group(1)), "quantity_f1": float(summary.group(2))}
    for slot, hit, total in re.findall(r"(\w+) (\d+)/(\d+)", out.split("arguments on matched types:")[-1].splitlines()[0]):
        scores[slot] = int(hit) / int(total) if int(total) else 1.0
    return scores


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_dev_score_does_not_drop(score_output: str, metric: str) -> None:
    scores = _scores(score_output)
    assert metric in scores, score_output[-1500:]
    assert scores[metric] >= FLOORS[metric], f"{metric} {scores[metric]:.3f} < {FLOORS[metric]}\n{score_output[-3000:]}"
