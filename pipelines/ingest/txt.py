"""Layout of a scraped `.txt` page: `-` line, title, `-` line, optional subtitle, body, furniture.

One parser for the page header, used by ingest (title/subtitle fields) and by the cleaner (which
drops the `-` separators but keeps title and subtitle as text regions). Offsets are into the page.

Accepted headers:
* `-` / title / `-` / subtitle / body...       (the seed layout; a subtitle is a line without
  sentence-final punctuation followed by more text, else the line is the first body paragraph)
* `-` / title / `-` / subtitle / `-` / body... (explicit subtitle)
* title / body...                               (no separators: the first line is the title when it
  has no sentence-final punctuation and more lines follow)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATOR = re.compile(r"^[ \t]*[-–—_=]{1,3}[ \t]*$")
# Sentence-final punctuation, after trailing quotes/brackets/bidi marks; also ".2014", the way a
# right-to-left editor displaces a final period before a number.
_FINAL = re.compile(r"(?:[.!?؟…:؛]|\.\d{1,4})[\s\"'»”’)\]\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]*$")
_MAX_HEADER_CHARS = 400


@dataclass(frozen=True, slots=True)
class PageLayout:
    title: tuple[int, int] | None
    subtitle: tuple[int, int] | None
    separators: tuple[tuple[int, int], ...]
    body_start: int


def lines_with_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, newline excluded."""
    out = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        out.append((pos, end))
        if nl < 0:
            break
        pos = nl + 1
    return out


def ends_sentence(line: str) -> bool:
    return bool(_FINAL.search(line.rstrip()))


def page_layout(text: str) -> PageLayout:
    lines = [(s, e) for s, e in lines_with_offsets(text) if text[s:e].strip()]
    if not lines:
        return PageLayout(None, None, (), 0)

    def is_sep(i: int) -> bool:
        return i < len(lines) and bool(SEPARATOR.match(text[lines[i][0]:lines[i][1]]))

    def short(i: int) -> bool:
        return i < len(lines) and lines[i][1] - lines[i][0] <= _MAX_HEADER_CHARS and not is_sep(i)

    seps: list[tuple[int, int]] = []
    if is_sep(0) and short(1) and is_sep(2):
        seps += [lines[0], lines[2]]
        title = lines[1]
        nxt = 3
    elif not is_sep(0) and len(lines) > 1 and short(0) and not ends_sentence(_line(text, lines[0])):
        title = lines[0]
        nxt = 1
    else:
        return PageLayout(None, None, (), lines[0][0])
    subtitle = None
    if short(nxt) and is_sep(nxt + 1):
        subtitle = lines[nxt]
        seps.append(lines[nxt + 1])
        nxt += 2
    elif seps and short(nxt) and nxt + 1 < len(lines) and not ends_sentence(_line(text, lines[nxt])):
        subtitle = lines[nxt]
        nxt += 1
    body_start = lines[nxt][0] if nxt < len(lines) else len(text)
    return PageLayout(title, subtitle, tuple(seps), body_start)


def _line(text: str, span: tuple[int, int]) -> str:
    return text[span[0]:span[1]]
