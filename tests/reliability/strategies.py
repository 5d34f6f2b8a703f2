"""Hypothesis strategies for Arabic news input: letters, news vocabulary, pages, HTML, records."""
from __future__ import annotations

import json

from hypothesis import strategies as st

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىءأإآؤئ"
ARABIC_CHARS = st.sampled_from(list(LETTERS) + [" "] * 6 + ["\n", ".", "،", "؟", ":", "-", "0", "7", "٣", "٩"])
NOISE_CHARS = st.sampled_from(["\u00a0", "\u200f", "\u200b", "\ufeff", "\u0640", "\u064b", "\u0651", "\r", "\t", "\"", "«", "»"])
VOCAB = [
    "قتل", "قتلى", "أصيب", "جرحى", "غارة", "غارات", "جوية", "قصف", "مدفعي", "اشتباكات", "تظاهر", "احتجاج",
    "متظاهرين", "اعتقال", "اعتقلت", "القبض", "انسحاب", "انسحبت", "نشر", "جندي", "جنود", "قوات", "الجيش",
    "اتفاق", "وقع", "وقعت", "اتهم", "صواريخ", "أطلق", "سوريا", "العراق", "بغداد", "إدلب", "حلب", "غزة",
    "اليمن", "الحوثيون", "تنظيم", "داعش", "الولايات", "المتحدة", "أمس", "اليوم", "الأحد", "الماضي",
    "قبل", "يومين", "أيام", "يناير", "مارس", "كانون", "الثاني", "آذار", "تشرين", "الأول", "2024", "900",
    "٣", "١٥", "عشرة", "ثلاثة", "آلاف", "في", "على", "من", "إلى", "بعد", "لم", "لن", "قد", "سوف", "إذا",
    "و", "،", ".", ":", "\n", "-", "اقرأ", "أيضاً", "قد تحب أيضا", "النشرة الإخبارية",
]

arabic_text = st.text(alphabet=st.one_of(ARABIC_CHARS, NOISE_CHARS), max_size=400)
news_text = st.lists(st.sampled_from(VOCAB), max_size=80).map(" ".join)
any_text = st.one_of(arabic_text, news_text, st.text(max_size=200))


@st.composite
def pages(draw) -> str:
    """A scraped page: maybe `-` separators, a title, a subtitle, paragraphs, furniture."""
    parts = []
    if draw(st.booleans()):
        parts += ["-", draw(news_text), draw(st.sampled_from(["-", "—", "--"]))]
    parts += draw(st.lists(st.one_of(news_text, arabic_text, st.just("-"), st.just("")), max_size=12))
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return draw(st.sampled_from(["", "\ufeff"])) + sep.join(parts)


TAGS = ["p", "div", "span", "b", "h1", "h2", "li", "ul", "article", "nav", "footer", "script", "style",
        "table", "tr", "td", "br", "aside", "header", "a", "time", "title", "head", "body", "html"]


@st.composite
def html_pages(draw) -> str:
    """Random, often malformed, HTML around Arabic text."""
    pieces = draw(st.lists(st.one_of(
        st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
        st.sampled_from(['<meta charset="windows-1256">', '<meta property="article:published_time" content="2024-13-45">',
                         '<time datetime="2024-02-01">', "<!-- c -->", "&amp;", "&#1575;", "<", ">", "<p class='x'"]),
        news_text, arabic_text,
    ), max_size=40))
    return "".join(pieces)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text)
json_values = st.recursive(json_scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                                 st.dictionaries(st.text(max_size=8), kids, max_size=4)),
                           max_leaves=5)


@st.composite
def records(draw) -> dict:
    """A JSON object that is sometimes a valid article record and often not quite one."""
    rec: dict = {}
    for key, good in (("id", st.one_of(st.text(max_size=12), st.integers())), ("text", any_text),
                      ("title", news_text), ("published", st.sampled_from(["2024-03-01", "2018-02-18T20:50:44+00:00",
                                                                           "2024-02-30", "yesterday", "", "2024-03-01Z"])),
                      ("source", st.text(max_size=10)), ("abstract", news_text)):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            continue
        rec[key] = draw(json_values) if choice == 1 else draw(good)
    return rec


@st.composite
def jsonl_lines(draw) -> bytes:
    """Lines of a JSONL file: valid records, truncated records, junk and raw bytes."""
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 4))
        rec = draw(records())
        line = json.dumps(rec, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
        if kind == 1:
            line = line[: draw(st.integers(0, max(0, len(line) - 1)))]
        elif kind == 2:
            line = draw(st.binary(max_size=60)).replace(b"\n", b"")
        elif kind == 3:
            line = draw(any_text).encode("utf-8", "surrogatepass").replace(b"\n", b" ")
        lines.append(line)
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n"]))


# --- hostile landing files for the whole-pipeline fuzz --------------------------------------------

DIGIT_SYSTEMS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]
# a count in any digit system, often past 64 bits or past any float
huge_counts = st.builds(
    lambda digits, n, noun: f"قتل {''.join(digits[int(c)] for c in str(n))} {noun} في غارة جوية على بلدة سراقب أمس.",
    st.sampled_from(DIGIT_SYSTEMS), st.one_of(st.integers(0, 10 ** 30), st.just(10 ** 400)),
    st.sampled_from(["شخصا", "مدنيين", "جنديا", "متظاهر"]))
# terminal escape codes, bidi controls, NUL and other controls inside text
hostile_chars = st.sampled_from(["\x1b[31m", "\x1b]0;owned\x07", "\x1b[2J", "\u202e", "\u2066", "\u200f", "\x00", "\x7f",
                                 "\x85", "\ud800", "\ufffd"])
hostile_text = st.lists(st.one_of(news_text, huge_counts, hostile_chars), min_size=1, max_size=8).map(" ".join)


@st.composite
def hostile_lines(draw) -> bytes:
    """One JSONL line built to hurt: bad ids, hostile published days, nesting, huge numbers, counts."""
    text = draw(st.one_of(hostile_text, huge_counts))
    kind = draw(st.integers(0, 6))
    if kind == 0:
        ident = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "true", "[1]", "{}", "1e999", '""', "9" * 300]))
        return ('{"id": %s, "text": %s}' % (ident, json.dumps(text))).encode("utf-8", "surrogatepass")
    if kind == 1:
        depth = draw(st.integers(1, 5000))
        return ("[" * depth + "]" * depth).encode()
    if kind == 2:
        return ('{"n": %s, "text": %s}' % ("7" * draw(st.integers(4000, 6000)), json.dumps(text))).encode("utf-8", "surrogatepass")
    if kind == 3:
        day = draw(st.sampled_from(["2999-01-01", "0001-01-01", "9999-99-99", "1899-12-31", "-1", "٢٠٢٤-٠٣-٠١"]))
        rec = {"id": draw(st.text(max_size=8)), "published": day, "text": text}
    else:
        rec = draw(records())
        rec["text"] = text
    return json.dumps(rec, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass").replace(b"\n", b" ")


@st.composite
def landing_files(draw) -> list[tuple[str, bytes]]:
    """(suffix, content) of a few hostile landing files: JSONL of good, bad and hostile lines, pages,
    HTML, junk."""
    files = []
    for _ in range(draw(st.integers(1, 4))):
        suffix = draw(st.sampled_from([".jsonl", ".jsonl", ".txt", ".html", ".bin", ""]))
        if suffix == ".jsonl":
            lines = draw(st.lists(hostile_lines(), max_size=4))
            content = draw(jsonl_lines()) + b"\n".join(lines)
        elif suffix == ".txt":
            content = draw(st.one_of(pages(), hostile_text)).encode("utf-8", "surrogatepass")
        elif suffix == ".html":
            content = draw(html_pages()).encode("utf-8", "surrogatepass")
        else:
            content = draw(st.binary(max_size=200))
        files.append((suffix, content))
    return files
