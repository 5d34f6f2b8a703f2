"""Bytes -> text for Arabic news files, with checks that the guess produced real Arabic.

Old scrapers leave Windows-1256 and ISO-8859-6 files, editors add BOMs, some tools write UTF-16.
Decoding order: BOM -> strict UTF-8 -> charset-normalizer restricted to the encodings Arabic text
really comes in. Every guess must pass `text_problem` (mostly Arabic letters, no mojibake, no
control characters): a wrong guess is worse than a quarantined file, because it loads garbage.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Encodings charset-normalizer may choose between when the bytes are not UTF-8.
CANDIDATE_ENCODINGS = ("cp1256", "iso8859_6", "utf_16_le", "utf_16_be")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Latin-1 supplement letters and the symbols that UTF-8/cp1256 Arabic turns into when decoded with
# the wrong single-byte table ("Ø§Ù„", "ÇáÚÑÇÞ", "×"); real Arabic news almost never has them.
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0192\u02c6\u2020\u2021\u2030\u0152\u0153]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]")
_CRLF = re.compile(r"\r\n?")
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|&[#\w]+;", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

MIN_ARABIC_SHARE = 0.5


EMPTY_FILE = "empty file"  # the reason given for a file with nothing but blanks


class DecodeError(ValueError):
    """The bytes are not readable Arabic text; the message is the quarantine reason."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def text_problem(text: str, require_arabic: bool = True) -> str | None:
    """Why `text` does not look like correctly decoded Arabic, or None when it does."""
    if "\ufffd" in text:
        return "undecodable bytes (U+FFFD replacement characters)"
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        return f"binary data ({controls} control characters)"
    letters = len(_LETTER.findall(text))
    if letters == 0:
        return "no letters (empty or non-text content)"
    if not require_arabic:
        return None
    arabic = len(_ARABIC_LETTER.findall(text))
    mojibake = len(_MOJIBAKE.findall(text))
    if mojibake > max(3, letters // 50):
        sample = "".join(_MOJIBAKE.findall(text)[:6])
        return f"mojibake: {mojibake} Latin-1 letters among Arabic ({sample!r}), wrong encoding upstream"
    if arabic / letters < MIN_ARABIC_SHARE:
        return f"not Arabic text ({100 * arabic // letters}% Arabic letters)"
    return None


def strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data, enc
    return data, None


def normalize_newlines(text: str) -> str:
    """CRLF/CR -> LF, so offsets do not depend on the platform that wrote the file."""
    return _CRLF.sub("\n", text) if "\r" in text else text


def decode_bytes(data: bytes, require_arabic: bool = True, markup: bool = False) -> Decoded:
    """Decode a whole file; raise `DecodeError(reason)` when it is not readable Arabic text.

    `markup=True` (HTML): a declared `<meta charset>` is tried first, and the Arabic checks look at
    the text between tags, not at the tag names.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise DecodeError(EMPTY_FILE)
    _, bom_enc = strip_bom(data)
    if bom_enc:
        try:
            text = data.decode(bom_enc)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid {bom_enc} after its byte-order mark: {exc.reason} at byte {exc.start}") from None
        return _checked(text.lstrip("\ufeff"), bom_enc, require_arabic, markup)
    if markup:
        declared = _declared_charset(data)
        if declared:
            try:
                return _checked(data.decode(declared), declared, require_arabic, markup)
            except (UnicodeDecodeError, LookupError, DecodeError):
                pass  # a wrong declaration is common; fall back to detection
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" not in text:
            try:
                return _checked(text, "utf-8", require_arabic, markup)
            except DecodeError as utf8_error:
                # Tiny single-byte texts can happen to be valid UTF-8 ("آ،" in cp1256 is "¡").
                try:
                    return _guess(data, require_arabic, markup)
                except DecodeError:
                    raise utf8_error from None
    return _guess(data, require_arabic, markup)


def _guess(data: bytes, require_arabic: bool, markup: bool) -> Decoded:
    matches = from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS))
    problems = []
    for match in matches:
        text = str(match)
        problem = text_problem(_TAG.sub(" ", text) if markup else text, require_arabic)
        if problem is None:
            return Decoded(normalize_newlines(text), match.encoding)
        problems.append(f"{match.encoding}: {problem}")
    # charset-normalizer gives up on short or digit-heavy texts; the Arabic checks are strict
    # enough to try the two single-byte Arabic code pages directly (cp1256 is far more common).
    if b"\x00" not in data:
        for encoding in ("cp1256", "iso8859_6"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if text_problem(_TAG.sub(" ", text) if markup else text, require_arabic) is None:
                return Decoded(normalize_newlines(text), encoding)
    if not matches:
        if b"\x00" in data:
            raise DecodeError("binary data (NUL bytes, no text encoding fits)")
        raise DecodeError("not UTF-8 and no Arabic encoding fits (tried " + ", ".join(CANDIDATE_ENCODINGS) + ")")
    raise DecodeError("no encoding gives readable Arabic: " + "; ".join(problems[:3]))


def _checked(text: str, encoding: str, require_arabic: bool, markup: bool = False) -> Decoded:
    problem = text_problem(_TAG.sub(" ", text) if markup else text, require_arabic)
    if problem:
        raise DecodeError(f"{problem} (decoded as {encoding})")
    return Decoded(normalize_newlines(text), encoding)


def stream_encoding(head: bytes) -> str:
    """Encoding for a line-oriented file from its first bytes (JSONL is read as a stream).

    UTF-8 is accepted when the head decodes, allowing a multi-byte character cut at the end.
    """
    if not head.strip(b" \t\r\n\x00"):
        raise DecodeError(EMPTY_FILE)
    _, bom_enc = strip_bom(head)
    if bom_enc:
        return bom_enc
    try:
        head.decode("utf-8")
        ok = b"\x00" not in head
    except UnicodeDecodeError as exc:
        ok = exc.start >= len(head) - 3 and exc.reason == "unexpected end of data" and b"\x00" not in head
    if ok:
        return "utf-8"
    if b"\x00" in head:
        head = head[: len(head) - len(head) % 2]  # UTF-16 code units are 2 bytes
    match = from_bytes(head, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if match is None:
        if b"\x00" in head:
            raise DecodeError("binary data (NUL bytes, no text encoding fits)")
        raise DecodeError("not UTF-8 and no Arabic encoding fits")
    return match.encoding


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
