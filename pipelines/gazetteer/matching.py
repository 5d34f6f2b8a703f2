"""Dictionary matching over normalised Arabic tokens, with clitics stripped and longest match first.

Shared by the place and actor matchers: both index names as tuples of normalised tokens and look
them up from each token position (dict of first token -> longest key length), which is faster in
Python than a regex per entry and keeps word boundaries exact.
"""
from __future__ import annotations

from typing import Callable, Iterator, Mapping, NamedTuple

from pipelines.caching import memo
from pipelines.text import WORD_RE, NormalizedText, normalize_with_offsets

# Proclitics written attached to the next word: conjunctions و/ف, prepositions ب/ل/ك.
# "لل" is ل + ال with the alef dropped ("للقوات" = ل + القوات).
_PREFIXES = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك", "لل", "ولل", "فلل")


@memo(262144)
def variants(tok: str) -> tuple[tuple[str, int], ...]:
    """(stripped word, number of normalised characters stripped), the word itself first."""
    out = [(tok, 0)]
    for p in _PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 2:
            rest = tok[len(p):]
            if p.endswith("لل"):
                out.append(("ال" + rest, len(p) - 1))  # keep "ل" as the article's lam
            else:
                out.append((rest, len(p)))
    return tuple(out)


class Tokens(NamedTuple):
    norm: NormalizedText
    words: list[str]
    starts: list[int]  # normalised offsets
    ends: list[int]
    joined: list[bool]  # joined[i]: only spaces/hyphen between word i and i+1


@memo(scope="text")
def tokenize(text: str) -> Tokens:
    """Words of the normalised text (cached: places and actors tokenize the same sentence)."""
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


class Dictionary:
    """Names as tuples of normalised tokens, with a per-word cache of which clitic-stripped forms
    can start a name (most words can start none, so a sentence costs one lookup per word)."""

    __slots__ = ("names", "max_len", "strip_ok", "_starts")

    def __init__(self, names: Mapping[tuple[str, ...], object],
                 strip_ok: Callable[[tuple[str, ...]], bool] | None = None) -> None:
        self.names = names
        self.max_len: dict[str, int] = {}
        for k in names:
            if len(k) > self.max_len.get(k[0], 0):
                self.max_len[k[0]] = len(k)
        self.strip_ok = strip_ok
        self._starts: dict[str, tuple[tuple[str, int, int], ...]] = {}

    def starts(self, word: str) -> tuple[tuple[str, int, int], ...]:
        """(stripped form, characters stripped, longest name length) for each form that starts a name."""
        got = self._starts.get(word)
        if got is None:
            got = tuple((v, cut, self.max_len[v]) for v, cut in variants(word) if v in self.max_len)
            if len(self._starts) > 500_000:
                self._starts.clear()
            self._starts[word] = got
        return got


def scan(tokens: Tokens, dictionary: Dictionary) -> Iterator[Hit]:
    """Longest dictionary matches, left to right, non-overlapping.

    `dictionary.strip_ok(key)` says whether `key` may be matched with a clitic stripped off its
    first word (e.g. not a short foreign town name that is the tail of another word: "برس" -> "رس").
    """
    words, n, joined = tokens.words, len(tokens.words), tokens.joined
    names, strip_ok, starts = dictionary.names, dictionary.strip_ok, dictionary.starts
    i = 0
    while i < n:
        best: Hit | None = None
        best_len = 0
        for stripped, cut, m in starts(words[i]):
            limit = 1
            while limit < m and i + limit < n and joined[i + limit - 1]:
                limit += 1
            for length in range(limit, best_len, -1):
                key = (stripped, *words[i + 1:i + length]) if length > 1 else (stripped,)
                if key in names and (not cut or strip_ok is None or strip_ok(key)):
                    best = Hit(i, i + length - 1, key, tokens.starts[i] + cut, tokens.ends[i + length - 1])
                    best_len = length
                    break
        if best is None:
            i += 1
        else:
            yield best
            i = best.last + 1


MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}  # diacritics, tatweel


def original_span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    """A normalised span in the original text, with the last letter's diacritics kept."""
    ostart, oend = tokens.norm.to_original(start, end)
    text = tokens.norm.original
    while oend < len(text) and text[oend] in MARKS:
        oend += 1
    return ostart, oend
