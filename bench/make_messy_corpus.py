"""Write a messy landing folder (400 inputs by default) and the outcome ingest must produce.

Real landing folders hold Windows-1256 files from old scrapers, BOMs, UTF-16, CRLF, HTML pages,
the same article under several names, and broken files. This generator writes all of them from
short synthetic Arabic articles (template sentences written for Marsad) and returns a manifest:

* `expected_texts` — the text each distinct valid article must load with, once (an encoded, BOM,
  CRLF or HTML copy loads with exactly the text of its clean twin);
* `expected_quarantine` — `(origin, line)` of every input that must be quarantined, with a word
  its reason must contain (`line` is None for a whole file).

`tests/reliability/test_messy_corpus.py` runs one `read_landing` over it and compares.

    python -m bench.make_messy_corpus OUT_DIR [--files 400] [--seed 0]
"""
from __future__ import annotations

import argparse
import html
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.core import IngestSettings, content_hash

MAX_BYTES = 16_000  # article size limit used for the run (oversize inputs are built above it)

PLACES = ["ريف إدلب", "دير الزور", "البصرة", "الموصل", "درعا", "الحديدة", "تعز", "بنغازي", "سرت",
          "جنين", "نابلس", "صيدا", "حماة", "الرقة", "كركوك", "الأنبار", "مأرب", "القامشلي", "حلب", "عدن"]
ACTORS = ["قوات الأمن", "الجيش", "مسلحون مجهولون", "فصائل معارضة", "قوات حكومية", "الشرطة المحلية",
          "مقاتلون محليون", "وحدات من حرس الحدود"]
EVENTS = [("غارة جوية", "غارة جوية على"), ("قصف مدفعي", "قصف مدفعي على"), ("اشتباكات", "اشتباكات في"),
          ("انفجار عبوة ناسفة", "انفجار في"), ("هجوم مسلح", "هجوم مسلح على")]
TARGETS = ["سوقا شعبيا", "حاجزا عسكريا", "حيا سكنيا", "قافلة مساعدات", "مبنى حكوميا", "محطة وقود"]
MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
          "تشرين الأول", "تشرين الثاني", "كانون الأول", "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو"]
SENTENCES = [
    "قتل {n} أشخاص وأصيب {m} آخرون في {event} {target} في {place}، بحسب مصادر محلية.",
    "وقال مسؤول محلي إن {actor} انتشرت في المنطقة منذ {k} أيام، مشيرا إلى أن الوضع لا يزال متوترا.",
    "وتظاهر نحو {big} شخص في وسط {place2} احتجاجا على تردي الخدمات وارتفاع الأسعار.",
    "وأعلنت السلطات اعتقال {k} أشخاص يشتبه في تورطهم في الهجوم، وفتحت تحقيقا في الحادث.",
    "ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن.",
    "وكانت المنطقة قد شهدت اشتباكات مماثلة في شهر {month} الماضي أسفرت عن سقوط ضحايا.",
    "ونشرت السلطات {big} عنصر إضافي في محيط {place2} لتأمين الطرق الرئيسية.",
    "وانسحبت {actor} من {k} مواقع قرب {place2} بعد مفاوضات استمرت يومين.",
    "ووقع ممثلو الطرفين اتفاقا لوقف إطلاق النار يبدأ سريانه منتصف {month}.",
    "وقالت منظمة إغاثة إن {big} عائلة نزحت من القرى المجاورة خلال الأسبوع الماضي.",
]
FURNITURE = [
    "اقرأ أيضا: تقرير عن الأوضاع الإنسانية في المنطقة",
    "مرصد-وكالات",
    "قد تحب أيضا\nتقارير وتحقيقات\n- March 3, 2024",
    "النشرة الإخبارية\nاشترك في قائمتنا البريدية للحصول على التحديثات الجديدة!",
]
ENGLISH = "Officials said the talks would continue next week, according to a statement released on Monday."


@dataclass
class MessyManifest:
    landing: Path
    settings: IngestSettings
    files: dict[str, str] = field(default_factory=dict)  # file name -> kind
    expected_texts: list[str] = field(default_factory=list)  # each distinct valid article, once
    expected_quarantine: dict[tuple[str, int | None], str] = field(default_factory=dict)

    @property
    def n_files(self) -> int:
        return len(self.files)


@dataclass
class _Article:
    title: str
    paragraphs: list[str]

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def page(self, furniture: str) -> str:
        return f"-\n{self.title}\n-\n{self.body}\n{furniture}\n"

    def record(self, rid: str) -> dict:
        return {"id": rid, "source": "fixture", "title": self.title, "published": "2024-03-01", "text": self.body}

    def html(self, charset: str = "utf-8") -> str:
        ps = "".join(f"<p>{html.escape(p)}</p>\n" for p in self.paragraphs)
        return (
            f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="{charset}">'
            f"<title>{html.escape(self.title)} | مرصد</title><style>p {{margin: 0}}</style></head><body>"
            '<header><nav><a href="/">الرئيسية</a> | <a href="/s">سياسة</a></nav></header>'
            f"<main><article><h1>{html.escape(self.title)}</h1>\n{ps}</article>"
            "<aside><h3>الأكثر قراءة</h3><ul><li>عنوان جانبي</li></ul></aside></main>"
            "<footer>جميع الحقوق محفوظة</footer><script>var tracking = 1;</script></body></html>"
        )


class _Writer:
    def __init__(self, landing: Path, rng: random.Random, manifest: MessyManifest):
        self.landing, self.rng, self.m = landing, rng, manifest
        self.seen: set[str] = set()

    def name(self, ext: str) -> str:
        while True:
            n = f"{self.rng.getrandbits(40):010x}{ext}"
            if n not in self.m.files:
                return n

    def write(self, kind: str, ext: str, data: bytes | str) -> str:
        name = self.name(ext)
        (self.landing / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.m.files[name] = kind
        return name

    def article(self, n_par: int | None = None) -> _Article:
        """A fresh article whose normalised text differs from every other one."""
        rng = self.rng
        while True:
            event, event_on = rng.choice(EVENTS)
            place = rng.choice(PLACES)
            slots = dict(n=rng.randint(2, 60), m=rng.randint(2, 90), k=rng.randint(2, 12),
                         big=rng.randint(100, 5000), event=event_on, target=rng.choice(TARGETS), place=place,
                         place2=rng.choice(PLACES), actor=rng.choice(ACTORS), month=rng.choice(MONTHS))
            count = n_par or rng.randint(3, 5)
            paragraphs = [SENTENCES[0].format(**slots)] + [s.format(**slots) for s in rng.sample(SENTENCES[1:], count - 1)]
            art = _Article(f"{event} في {place}", paragraphs)
            keys = {content_hash(art.body), content_hash(art.page("x"))}
            if not keys & self.seen:
                self.seen |= keys
                return art

    def big_article(self, over: int) -> _Article:
        paragraphs: list[str] = []
        while len("\n".join(paragraphs).encode()) <= over:
            paragraphs += self.article(5).paragraphs
        return _Article("تقرير مطول", paragraphs)

    def expect_text(self, text: str) -> None:
        self.m.expected_texts.append(text)

    def expect_quarantine(self, name: str, line: int | None, word: str) -> None:
        self.m.expected_quarantine[(name, line)] = word


def make_messy_corpus(landing: Path, n_files: int = 400, seed: int = 0) -> MessyManifest:
    """Write `n_files` messy inputs into `landing` (created) and return what ingest must do."""
    landing = Path(landing)
    landing.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    m = MessyManifest(landing, IngestSettings(max_bytes=MAX_BYTES))
    w = _Writer(landing, rng, m)
    scale = n_files / 400

    def count(n: int) -> int:
        return max(1, round(n * scale))

    furniture = lambda: rng.choice(FURNITURE)  # noqa: E731
    pages: list[str] = []  # clean page texts (UTF-8 twins)
    page_files: list[str] = []
    for _ in range(count(70)):
        page = w.article().page(furniture())
        page_files.append(w.write("clean txt", ".txt", page))
        pages.append(page)
        w.expect_text(page)
    records: list[_Article] = []
    clean_jsonl: list[tuple[str, str]] = []  # (name, content) of files with only good lines
    for f in range(count(10)):
        arts = [w.article() for _ in range(4)]
        lines = [json.dumps(a.record(f"messy-{f}-{i}"), ensure_ascii=False) for i, a in enumerate(arts)]
        for a in arts:
            w.expect_text(a.body)
        records += arts
        bad_line = None
        if f < 3:  # a truncated record in the middle of a good file
            bad = json.dumps(w.article().record(f"messy-{f}-cut"), ensure_ascii=False)
            lines.insert(2, bad[: len(bad) // 2])
            bad_line = (3, "invalid JSON")
        elif f < 5:  # one record over the size limit
            lines.insert(1, json.dumps(w.big_article(MAX_BYTES).record(f"messy-{f}-big"), ensure_ascii=False))
            bad_line = (2, "limit")
        content = "\n".join(lines) + "\n"
        name = w.write("clean jsonl", ".jsonl", content)
        if bad_line:
            w.expect_quarantine(name, *bad_line)
        else:
            clean_jsonl.append((name, content))

    # Exact copies under new names: loaded once.
    for _ in range(count(25)):
        w.write("copy of txt", ".txt", rng.choice(pages))
    for _ in range(count(5)):
        w.write("copy of jsonl", ".jsonl", rng.choice(clean_jsonl)[1])

    def encodable(text: str, encoding: str) -> bool:
        try:
            text.encode(encoding)
            return True
        except UnicodeEncodeError:
            return False

    def variants(kind: str, encoding: str, n_twins: int, n_unique: int, ext: str = ".txt",
                 prefix: bytes = b"", crlf: bool = False) -> None:
        twins = [p for p in pages if encodable(p, encoding)]
        for i in range(count(n_twins) + count(n_unique)) if n_unique else range(count(n_twins)):
            if i < count(n_twins) and twins:
                text = rng.choice(twins)
            else:
                text = w.article().page(furniture())
                w.expect_text(text)
            raw = text.replace("\n", "\r\n") if crlf else text
            w.write(kind, ext, prefix + raw.encode(encoding))

    variants("cp1256", "cp1256", 20, 10)
    variants("iso8859-6", "iso8859_6", 10, 5)
    variants("utf-8 BOM", "utf-8", 15, 5, prefix=b"\xef\xbb\xbf")
    variants("utf-16 BOM", "utf-16", 10, 5)
    variants("utf-16-le", "utf-16-le", 5, 0)
    variants("crlf", "utf-8", 10, 0, crlf=True)

    for i in range(count(30)):  # HTML twins of JSONL records, and HTML-only articles
        if i < count(20):
            art = rng.choice(records)
        else:
            art = w.article()
            w.expect_text(art.body)
        w.write("html", ".html", art.html())
    for _ in range(count(10)):
        art = rng.choice(records)
        w.write("html cp1256", ".html", art.html("windows-1256").encode("cp1256"))
    for f in range(count(5)):  # JSONL with a BOM
        arts = [w.article() for _ in range(2)]
        for a in arts:
            w.expect_text(a.body)
        content = "\n".join(json.dumps(a.record(f"bom-{f}-{i}"), ensure_ascii=False) for i, a in enumerate(arts))
        w.write("jsonl BOM", ".jsonl", b"\xef\xbb\xbf" + content.encode("utf-8"))

    # Broken inputs: each must be quarantined with a reason.
    exts = [".txt", ".jsonl", ".html"]
    for i in range(count(25)):
        w.expect_quarantine(w.write("empty", exts[i % 3], b""), None, "empty")
    for _ in range(count(5)):
        w.expect_quarantine(w.write("blank", ".txt", " \n\t\r\n  \n"), None, "empty")
    for i in range(count(30)):
        head = rng.choice([b"", b"\x89PNG\r\n\x1a\n", b"\x1f\x8b\x08\x00", b"\x00\x00\x00\x18ftyp"])
        data = head + rng.randbytes(rng.randint(64, 4096))
        w.expect_quarantine(w.write("binary", exts[i % 3], data), None, "")
    for _ in range(count(25)):  # a JSONL file whose only record was cut off mid-write
        line = json.dumps(w.article().record("cut"), ensure_ascii=False)
        w.expect_quarantine(w.write("truncated jsonl", ".jsonl", line[: rng.randint(10, len(line) - 5)]), 1, "invalid JSON")
    for i in range(count(25)):
        big = w.big_article(MAX_BYTES)
        if i % 5 < 3:
            w.expect_quarantine(w.write("oversize txt", ".txt", big.page("")), None, "limit")
        else:
            name = w.write("oversize jsonl", ".jsonl", json.dumps(big.record("big"), ensure_ascii=False) + "\n")
            w.expect_quarantine(name, 1, "limit")
    for _ in range(count(10)):
        page = w.article().page("")
        garbled = page.encode(rng.choice(["utf-8", "cp1256"])).decode("latin-1").encode("utf-8")
        w.expect_quarantine(w.write("mojibake", ".txt", garbled), None, "mojibake")
    for i in range(count(10)):
        ext = ".txt" if i % 2 else ".html"
        body = f"-\nNews update\n-\n{ENGLISH}\n{ENGLISH}\n" if ext == ".txt" else f"<html><body><p>{ENGLISH}</p></body></html>"
        w.expect_quarantine(w.write("not arabic", ext, body), None, "not Arabic")
    for i in range(count(10)):
        ext, head = [(".pdf", b"%PDF-1.4\n"), (".docx", b"PK\x03\x04")][i % 2]
        w.expect_quarantine(w.write("unsupported", ext, head + rng.randbytes(200)), None, "unsupported")
    for _ in range(count(5)):
        w.expect_quarantine(w.write("blank jsonl", ".jsonl", "\n   \n\n"), None, "")
    for _ in range(count(5)):
        w.expect_quarantine(w.write("html without text", ".html", "<html><body><script>var x = 1;</script></body></html>"), None, "")
    return m


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--files", type=int, default=400)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    m = make_messy_corpus(Path(args.out_dir), args.files, args.seed)
    print(f"{m.n_files} files in {m.landing}: {len(m.expected_texts)} distinct articles must load, "
          f"{len(m.expected_quarantine)} inputs must be quarantined")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
