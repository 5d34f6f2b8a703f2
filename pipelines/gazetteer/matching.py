"""Dictionary matching over normalised Arabic tokens, with clitics stripped and longest match first.

Shared by the place and actor matchers: both index names as tuples of normalised tokens and look
them up from each token position (dict of first token -> longest key length), which is faster in
Python than a regex per entry and keeps word boundaries exact.
"""
from __future__ import annotations

from typing import Callable, Iterator, Mapping, NamedTuple

from pipelines.text import WORD_RE, NormalizedText, normalize_with_offsets

# Proclitics written attached to the next word: conjunctions و/ف, prepositions ب/ل/ك.
# "لل" is ل + ال with the alef dropped ("للقوات" = ل + القوات).
_PREFIXES = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك", "لل", "ولل", "فلل")


def variants(tok: str) -> list[tuple[str, int]]:
    """(stripped word, number of normalised characters stripped), the word itself first."""
    out = [(tok, 0)]
    for p in _PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 2:
            rest = tok[len(p):]
            if p.endswith("لل"):
                out.append(("ال" + rest, len(p) - 1))  # keep "ل" as the article's lam
            else:
                out.append((rest, len(p)))
    return out


class Tokens(NamedTuple):
    norm: NormalizedText
    words: list[str]
    starts: list[int]  # normalised offsets
    ends: list[int]
    joined: list[bool]  # joined[i]: only spaces/hyphen between word i and i+1


def tokenize(text: str) -> Tokens:
    norm = normalize_with_offsets(text)
    t = norm.text
    words, starts, ends = [], [], []
    for m in WORD_RE.finditer(t):
        words.append(m.group())
        starts.append(m.start())
        ends.append(m.end())
    joined = [t[ends[i]:starts[i + 1]].strip(" -") == "" for i in range(len(words) - 1)] + [False]
    return Tokens(norm, words, starts, ends, joined)


class Hit(NamedTuple):
    first: int  # first token index
    last: int  # last token index (inclusive)
    key: tuple[str, ...]
    start: int  # normalised offset, after the stripped clitic
    end: int


def scan(tokens: Tokens, names: Mapping[tuple[str, ...], object], max_len: Mapping[str, int],
         start_token: int = 0, strip_ok: Callable[[tuple[str, ...]], bool] | None = None) -> Iterator[Hit]:
    """Longest dictionary matches, left to right, non-overlapping.

    `strip_ok(key)` says whether `key` may be matched with a clitic stripped off the first word
    (e.g. not a short foreign town name that is the tail of another word: "برس" -> "رس").
    """
    words, n = tokens.words, len(tokens.words)
    i = start_token
    while i < n:
        best: Hit | None = None
        for stripped, cut in variants(words[i]):
            m = max_len.get(stripped)
            if not m:
                continue
            # how many following words are joined by spaces only
            limit = 1
            while limit < m and i + limit < n and tokens.joined[i + limit - 1]:
                limit += 1
            for length in range(limit, 0, -1):
                if best is not None and length <= best.last - best.first + 1:
                    break
                key = (stripped, *words[i + 1:i + length])
                if key in names and (not cut or strip_ok is None or strip_ok(key)):
                    best = Hit(i, i + length - 1, key, tokens.starts[i] + cut, tokens.ends[i + length - 1])
                    break
        if best is None:
            i += 1
        else:
            yield best
            i = best.last + 1


def original_span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    return tokens.norm.to_original(start, end)
