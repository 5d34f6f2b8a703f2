"""Arabic normalisation for matching, with an exact map back to the original offsets.

Every matcher in Marsad (dates, triggers, places, actors, quantities) works on a normalised copy of
the text and reports spans in the original. `NormalizedText` is that copy plus, for each normalised
character, the index of the original character it came from.

Normalisation (one definition, used by every stage and by lexicon loading):
* Arabic-Indic (٠-٩) and Persian (۰-۹) digits -> ASCII digits; Arabic comma/semicolon/question mark
  kept as they are (they are punctuation, not letters).
* hamza/madda alef forms (أ إ آ ٱ) -> ا ; alef maqsura ى -> ي ; taa marbuta ة -> ه ;
  ؤ -> و ; ئ -> ي (so "مسؤول"/"مسئول" match).
* diacritics (harakat, shadda, sukun, dagger alef) and tatweel are dropped.
* NBSP, thin spaces, zero-width characters and bidi marks -> a plain space or dropped.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from itertools import chain
from typing import Sequence

from pipelines.caching import memo

_CHAR_MAP: dict[str, str] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\u200a": " ", "\u3000": " ", "\t": " ",
    "٫": ".", "٬": ",",
}
for _i in range(10):
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)

# Dropped entirely: harakat U+064B-U+065F, dagger alef U+0670, tatweel, zero-width and bidi marks, BOM.
_DROP = set(chr(c) for c in range(0x064B, 0x0660)) | {
    "\u0670", "\u0640", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff",
}

_TRANSLATE = str.maketrans({**_CHAR_MAP, **{c: None for c in _DROP}})
_DROP_RE = re.compile("[" + re.escape("".join(sorted(_DROP))) + "]")


def normalize(text: str) -> str:
    """Normalise a string (lexicon entry, query) without keeping offsets."""
    return text.translate(_TRANSLATE)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised copy of `original` and the map from its characters back to the original."""

    original: str
    text: str
    # index[i] = original offset of normalised char i; len(text)+1 entries. A `range` when the
    # mapping is 1:1 (most sentences), else a compact int array (4 bytes a character, not ~36):
    # same indexing and bisect behaviour, and the cache of whole article texts stays small.
    index: Sequence[int]

    def __hash__(self) -> int:  # the index (an array) is unhashable and determined by `original`
        return hash(self.original)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open normalised span [start, end) to the original text."""
        if start >= end:
            o = self.index[start]
            return o, o
        return self.index[start], self.index[end - 1] + 1

    def to_normalized(self, orig_offset: int) -> int:
        """First normalised index whose original offset is >= orig_offset."""
        return bisect_left_index(self.index, orig_offset)


def bisect_left_index(index: Sequence[int], value: int) -> int:
    i = bisect_right(index, value - 1)
    return min(i, len(index) - 1)


@memo(scope="text")
def normalize_with_offsets(original: str) -> NormalizedText:
    """Normalise `original`, keeping for every output character its original offset.

    Cached: several stages (analysis, triggers, places, quantities, modality) normalise the same
    sentence; the cache holds a whole processing chunk (see `pipelines.process`).
    """
    drops = [m.start() for m in _DROP_RE.finditer(original)]
    norm = original.translate(_TRANSLATE)
    if not drops:
        # Fast path: the mapping is 1:1, so offsets are unchanged.
        return NormalizedText(original, norm, range(len(original) + 1))
    # Kept characters are the runs between dropped ones; build the index run by run (no per-char loop).
    bounds = [-1, *drops, len(original)]
    index = array("i", chain.from_iterable(range(a + 1, b) for a, b in zip(bounds, bounds[1:])))
    index.append(len(original))
    return NormalizedText(original, norm, index)


ARABIC_LETTER = r"[\u0621-\u064A\u0671-\u06D3]"
WORD_RE = re.compile(r"[\w\u0621-\u064A\u0660-\u0669\u0671-\u06D3]+")
# An Arabic word as the learned models read it: letters, tatweel and diacritics (no digits or Latin).
ARABIC_WORD_RE = re.compile(r"[\u0621-\u064A\u0640\u064B-\u0652\u0670]+")


def is_arabic(text: str, threshold: float = 0.3) -> bool:
    """True when at least `threshold` of the letters in `text` are Arabic."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff")
    return arabic / len(letters) >= threshold
