"""Clean: drop site furniture, keep body regions of the original text (offsets never move).

The cleaner labels whole lines; it never rewrites text. A `CleanArticle` is the article plus the
kept `regions` and the `removed` regions with the reason, so every later offset still slices
`Article.text` and an analyst can see what was dropped and why.

Rules, in order (patterns in `furniture.yaml`, matched on the normalised line):
1. `.txt` pages: the `-` separator lines go; the title and subtitle stay (a headline often states
   the event, and a page's own title is not furniture).
2. Tail markers ("قد تحب أيضا", a newsletter box): that line and everything after it go.
3. Line patterns: "اقرأ أيضاً:" links, newsletter and app promotions, horizontal rules, sidebar
   dates ("- December 19, 2024"), agency bylines ("ليفانت-وكالات").
4. Interleaved headlines (BBC related links, section headings): a short line without
   sentence-final punctuation that sits *between* paragraphs — after a line that ends a sentence
   and before more text. Lines with a digit and at most four words (timeline dates such as
   "9 أكتوبر") stay. A one-line document is never touched by this rule.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.caching import resource
from pipelines.ingest.txt import ends_sentence, lines_with_offsets, page_layout
from pipelines.records import Article, CleanArticle, Region
from pipelines.text import normalize

FURNITURE_FILE = Path(__file__).with_name("furniture.yaml")
HEADLINE_MAX_WORDS = 18
_DIGIT = re.compile(r"[0-9\u0660-\u0669]")
# A line opening with the conjunction و ("وقال", "وفي", "وأكد") continues the text: headlines do
# not start that way. These nouns merely begin with the letter و (normalised spelling).
_WAW_NOUNS = ("وزير", "وزار", "وزرا", "واشنطن", "وثاي", "وثيق", "وحد", "وفا", "وفد", "وكال", "ولي",
              "ولاي", "والي", "وسط", "ورق", "وقود", "وليد", "وادي", "وطن", "وجه", "واقع", "وباء")


@dataclass(frozen=True)
class FurnitureRules:
    tail: re.Pattern[str]
    lines: re.Pattern[str]
    tail_why: tuple[str, ...]
    line_why: tuple[str, ...]

    @staticmethod
    def _combine(entries: list[dict]) -> tuple[re.Pattern[str], tuple[str, ...]]:
        parts = [f"(?P<g{i}>{normalize(e['pattern'])})" for i, e in enumerate(entries)]
        return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE), tuple(e["why"] for e in entries)

    @classmethod
    def from_yaml(cls, path: Path) -> "FurnitureRules":
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        tail, tail_why = cls._combine(data.get("tail_markers") or [])
        lines, line_why = cls._combine(data.get("line_patterns") or [])
        return cls(tail, lines, tail_why, line_why)

    @staticmethod
    def _why(m: re.Match[str] | None, whys: tuple[str, ...]) -> str | None:
        if m is None:
            return None
        return whys[int(m.lastgroup[1:])] if m.lastgroup else whys[0]

    def tail_marker(self, norm_line: str) -> str | None:
        return self._why(self.tail.search(norm_line), self.tail_why)

    def line_furniture(self, norm_line: str) -> str | None:
        return self._why(self.lines.search(norm_line), self.line_why)


@resource(maxsize=4)
def furniture_rules(path: Path = FURNITURE_FILE) -> FurnitureRules:
    return FurnitureRules.from_yaml(path)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _headline_like(line: str) -> bool:
    words = line.split()
    if not words or len(words) > HEADLINE_MAX_WORDS or ends_sentence(line):
        return False
    if len(words) <= 4 and _DIGIT.search(line):
        return False  # a timeline date heading ("9 أكتوبر") belongs to the paragraph after it
    first = normalize(words[0]).lstrip("\"'«“(")
    if first.startswith("و") and len(first) > 2 and not first.startswith(_WAW_NOUNS):
        return False
    if "،" in line and len(words) >= 8:
        return False  # a clause-separated sentence that lost its final period
    return True


def line_labels(article: Article, rules: FurnitureRules | None = None) -> list[tuple[int, int, str | None]]:
    """(start, end, why) for every non-blank line; why is None for body lines."""
    rules = rules or furniture_rules()
    text = article.text
    spans = [_trim(text, s, e) for s, e in lines_with_offsets(text)]
    spans = [(s, e) for s, e in spans if e > s]
    why: list[str | None] = [None] * len(spans)
    protected: set[int] = set()
    if article.fmt == "txt":
        layout = page_layout(text)
        seps = {s for s, _ in layout.separators}
        heads = {span[0] for span in (layout.title, layout.subtitle) if span}
        for i, (s, _e) in enumerate(spans):
            if s in seps:
                why[i] = "page separator"
            elif s in heads:
                protected.add(i)
    # Tail markers and single furniture lines.
    for i, (s, e) in enumerate(spans):
        if why[i] is not None or i in protected:
            continue
        norm = normalize(text[s:e])
        tail = rules.tail_marker(norm)
        if tail:
            for j in range(i, len(spans)):
                if why[j] is None:
                    why[j] = tail
            break
        why[i] = rules.line_furniture(norm)
    # Interleaved headlines: only between two stretches of real paragraphs.
    body = [i for i in range(len(spans)) if why[i] is None]
    if len(body) >= 3:
        last_body_ended = False
        seen_body = False
        for k, i in enumerate(body):
            line = text[spans[i][0]:spans[i][1]]
            if i in protected:
                continue
            if seen_body and last_body_ended and k + 1 < len(body) and _headline_like(line):
                why[i] = "interleaved headline"
                continue
            seen_body = True
            last_body_ended = ends_sentence(line)
    return [(s, e, w) for (s, e), w in zip(spans, why)]


def clean_article(article: Article) -> CleanArticle:
    """Body regions (maximal runs of body lines) and removed regions (runs with the same reason)."""
    labels = line_labels(article)
    regions: list[Region] = []
    removed: list[tuple[Region, str]] = []
    run_start = run_end = None
    for s, e, why in labels:
        if why is None:
            if run_start is None:
                run_start = s
            run_end = e
            continue
        body_since = run_start is not None
        if run_start is not None:
            regions.append(Region(run_start, run_end))
            run_start = None
        if removed and removed[-1][1] == why and not body_since:
            removed[-1] = (Region(removed[-1][0].start, e), why)
        else:
            removed.append((Region(s, e), why))
    if run_start is not None:
        regions.append(Region(run_start, run_end))
    return CleanArticle(article, tuple(regions), tuple(removed))


def body_text(clean: CleanArticle, sep: str = "\n") -> str:
    """The kept text, regions joined by `sep` (for previews; offsets live in the regions)."""
    text = clean.article.text
    return sep.join(text[r.start:r.end] for r in clean.regions)
