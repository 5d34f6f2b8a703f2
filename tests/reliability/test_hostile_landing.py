"""54 kinds of hostile input in ONE landing folder beside 16 good articles (issue 19, "Done when").

The same folder goes through `marsad load` and through Dagster. Every good article loads with its
events; every bad kind is quarantined (its reason says why), reported (left pending) or loads with
its hostile part neutralised, as its row of `KINDS` says; and no byte of any file outside the
folder (nor of the process environment) reaches any text or blob column of the warehouse.
"""
from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Callable

import duckdb
import pytest

import pipelines.process as process
from bench.linearity import unpunctuated_text
from pipelines.extract import budget
from pipelines.extract.quantities import MAX_COUNT
from pipelines.cli import main
from pipelines.ingest import IngestSettings, printable, read_landing
from pipelines.ingest.core import FIRST_BYTES

from .landing_runs import load_with_cli, load_with_dagster, time_limit

DAY = "2024-03-10"
OLD = 1_710_072_000  # 2024-03-10 12:00 UTC: every file landed on DAY, long ago
SECRET = "s3cr3t-marker-7f3a9c1e"  # in the files outside the folder and in the environment
MAX_ARTICLE_BYTES = 600_000

# 16 good articles, each a distinct event: (id, text). Ids of .txt/.html pages are content hashes.
GOOD = {
    "g-saraqib": "قتل 3 مدنيين في قصف على بلدة سراقب في ريف إدلب أمس بحسب الدفاع المدني.",
    "g-ariha": "قتل 4 أشخاص في غارة جوية استهدفت مدينة أريحا جنوب إدلب يوم السبت.",
    "g-baghdad": "تظاهر آلاف المحتجين في ساحة التحرير وسط بغداد للمطالبة بتحسين الخدمات.",
    "g-cairo": "اعتقلت قوات الأمن المصرية 15 شخصاً في القاهرة بتهمة التحريض على التظاهر.",
    "g-mosul": "أصيب 6 جنود بجروح في انفجار عبوة ناسفة قرب مدينة الموصل صباح اليوم.",
    "g-taiz": "قتل 7 مدنيين في قصف مدفعي على أحياء مدينة تعز اليمنية أمس.",
    "txt-hama": "قصفت المدفعية بلدة كفرزيتا في ريف حماة الشمالي وقتل 2 من المدنيين أمس.",
    "txt-daraa": "قتل 5 أشخاص في اشتباكات بين فصائل مسلحة في مدينة درعا أمس.",
    "txt-homs": "اعتقلت قوات الأمن 20 شخصا في مدينة حمص فجر اليوم وفق ناشطين.",
    "txt-raqqa": "قتل 8 مدنيين في غارة جوية على مدينة الرقة يوم الأحد بحسب مرصد محلي.",
    "txt-gaza": "قتل 9 فلسطينيين في غارة إسرائيلية على مخيم جباليا شمال غزة أمس.",
    "html-aleppo": "قتل 10 مدنيين في قصف صاروخي على حي الشعار في مدينة حلب أمس.",
    "html-basra": "تظاهر مئات المحتجين أمام مبنى المحافظة في البصرة احتجاجا على انقطاع الكهرباء.",
    "html-sanaa": "أصيب 11 شخصا في غارة جوية على العاصمة اليمنية صنعاء ليلة أمس.",
    "html-tripoli": "قتل 12 شخصا في اشتباكات مسلحة في العاصمة الليبية طرابلس أمس.",
    "html-deir": "قتل 13 مدنيا في قصف على بلدة الميادين في ريف دير الزور أمس.",
}

# texts of the hostile kinds that load (distinct from each other and from GOOD)
STRIKE = "قتل {n} شخصا في غارة جوية استهدفت بلدة {town} في ريف إدلب يوم السبت بحسب الدفاع المدني."
DIGITS = {"ascii": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹",
          "fullwidth": "０１２３４５６７８９", "mathematical": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"}


def _rec(id_, text, **extra) -> str:
    return json.dumps({"id": id_, "published": DAY, "source": "test", "text": text, **extra}, ensure_ascii=False)


class Ctx:
    """Where a builder writes: the landing folder and a folder outside it holding the secret."""

    def __init__(self, land: Path, outside: Path):
        self.land, self.outside = land, outside
        self.young: list[Path] = []  # files whose mtime must stay "now"


def _write(name: str | bytes, data: bytes | str) -> Callable[[Ctx], str]:
    def build(c: Ctx) -> str:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path = os.fsencode(c.land) + b"/" + (name if isinstance(name, bytes) else name.encode())
        with open(path, "wb") as f:
            f.write(raw)
        return printable(os.fsdecode(name if isinstance(name, bytes) else name.encode()))
    return build


def _link(name: str, target: Callable[[Ctx], str | Path]) -> Callable[[Ctx], str]:
    def build(c: Ctx) -> str:
        (c.land / name).symlink_to(target(c))
        return name
    return build


def _fifo(c: Ctx) -> str:
    os.mkfifo(c.land / "pipe.txt")
    return "pipe.txt"


def _socket(c: Ctx) -> str:
    cwd = os.getcwd()
    os.chdir(c.land)  # a relative name: the folder's path may be longer than a socket address
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind("sock.txt")
    finally:
        os.chdir(cwd)
    return "sock.txt"


def _sparse(name: str, size: int) -> Callable[[Ctx], str]:
    def build(c: Ctx) -> str:
        with open(c.land / name, "wb") as f:
            f.write("-\nعنوان\n-\n".encode())
            f.truncate(size)  # sparse: costs no disk
        return name
    return build


def _young(c: Ctx) -> str:
    name = _write("too-young.txt", STRIKE.format(n="21", town="كنصفرة"))(c)
    c.young.append(c.land / name)
    return name


def _page(text: str) -> str:
    return f"-\n{text[:20]}\n-\n{text}\n"


def _html(body: str) -> str:
    return f"<html><head><title>خبر</title></head><body>{body}</body></html>"


WIN1256_NAME = "خبر-عاجل".encode("cp1256") + b".txt"
TOWNS = iter(["سرمين", "بنش", "تفتناز", "معرة مصرين", "حزانو", "كفرنبل", "خان شيخون", "جسر الشغور", "الدانا", "حارم"])
LOADED = {k: STRIKE.format(n=d[9] * 23, town=next(TOWNS)) for k, d in DIGITS.items()}
LOADED |= {
    "terminal-escapes": STRIKE.format(n="17", town=next(TOWNS)).replace("غارة", "\x1b[31mغارة\x1b[0m"),
    "bidi-controls": "\u202e" + STRIKE.format(n="18", town=next(TOWNS)) + "\u202c\u2066\u2069",
    "win1256-name": STRIKE.format(n="19", town=next(TOWNS)),
    "escape-codes-in-name": STRIKE.format(n="20", town=next(TOWNS)),
}

# kind -> (builder, outcome, reason substring). Outcomes: "quarantined" (a quarantine row for its
# origin, the reason containing the substring), "reported" (left pending for the next run, never
# read), "loads" (its article is in the warehouse, the hostile part neutralised).
Kind = tuple[Callable[[Ctx], str], str, str]
KINDS: dict[str, Kind] = {
    # not a regular file inside the folder: reported as not read, never opened
    "symlink-proc-self-environ": (_link("environ.txt", lambda c: "/proc/self/environ"), "quarantined", "symbolic link"),
    "symlink-etc-passwd": (_link("passwd.jsonl", lambda c: "/etc/passwd"), "quarantined", "symbolic link"),
    "symlink-file-outside": (_link("outside.txt", lambda c: c.outside / "secret.txt"), "quarantined", "symbolic link"),
    "symlink-dir-outside": (_link("outside-dir", lambda c: c.outside), "quarantined", "symbolic link"),
    "dangling-symlink": (_link("gone.txt", lambda c: c.outside / "gone.txt"), "quarantined", "symbolic link"),
    "symlink-dev-zero": (_link("zero.txt", lambda c: "/dev/zero"), "quarantined", "symbolic link"),
    "fifo": (_fifo, "quarantined", "FIFO"),
    "socket": (_socket, "quarantined", "socket"),
    # file names
    "win1256-name": (_write(WIN1256_NAME, _page(LOADED["win1256-name"])), "loads", ""),
    "escape-codes-in-name": (_write(b"\x1b]0;owned\x07name.txt", _page(LOADED["escape-codes-in-name"])), "loads", ""),
    "unsupported-extension": (_write("report.exe", "MZ\x90\x00 this program cannot be run"), "quarantined", "unsupported file type"),
    # pages
    "empty-file": (_write("empty.txt", b""), "quarantined", "empty"),
    "whitespace-only": (_write("blank.txt", " \n\t\r\n   \n"), "quarantined", "empty"),
    "binary-junk": (_write("junk.txt", bytes(range(256)) * 8), "quarantined", "binary"),
    "nul-bytes": (_write("nul.txt", "\x00".join(STRIKE.format(n="1", town="ملس"))), "quarantined", "binary"),
    "truncated-utf8": (_write("cut.txt", STRIKE.format(n="1", town="سلقين").encode()[:-1] + b"\xd9"), "quarantined", ""),
    "utf16-no-bom": (_write("utf16.txt", STRIKE.format(n="23", town="قورقينا").encode("utf-16-le")), "loads", ""),
    "non-arabic-text": (_write("english.txt", "Three civilians were killed in shelling yesterday, officials said."),
                        "quarantined", "not Arabic"),
    "txt-60mb-sparse": (_sparse("huge.txt", 60 * 1024 * 1024), "quarantined", "size checked before decoding"),
    "txt-over-4x-article-limit": (_sparse("big.txt", 4 * MAX_ARTICLE_BYTES + 4096), "quarantined",
                                  "size checked before decoding"),
    "html-no-body": (_write("nobody.html", "<html><head><title>عنوان</title></head></html>"), "quarantined", "no text"),
    "html-script-only": (_write("script.html", _html("<script>alert('قتل')</script><style>p{}</style>")),
                         "quarantined", "no text"),
    # JSONL lines, one file each (line 1)
    "invalid-json": (_write("invalid.jsonl", "{not json\n"), "quarantined", "invalid JSON"),
    "truncated-record": (_write("truncated.jsonl", _rec("t", GOOD["g-saraqib"])[:40] + "\n"), "quarantined",
                         "invalid JSON"),
    "json-not-an-object": (_write("array.jsonl", '["قتل", 3]\n'), "quarantined", "not a JSON object"),
    "missing-text": (_write("notext.jsonl", '{"id": "m1", "title": "عنوان"}\n'), "quarantined", "no 'text'"),
    "text-not-a-string": (_write("textnum.jsonl", '{"id": "m2", "text": 12345}\n'), "quarantined", "no 'text'"),
    "empty-text": (_write("emptytext.jsonl", _rec("m3", "   ") + "\n"), "quarantined", "no 'text'"),
    "id-nan": (_write("idnan.jsonl", '{"id": NaN, "text": "%s"}\n' % GOOD["g-cairo"]), "quarantined", "'id'"),
    "id-infinity": (_write("idinf.jsonl", '{"id": Infinity, "text": "%s"}\n' % GOOD["g-cairo"]), "quarantined", "'id'"),
    "id-bool": (_write("idbool.jsonl", '{"id": true, "text": "%s"}\n' % GOOD["g-cairo"]), "quarantined", "'id'"),
    "id-list": (_write("idlist.jsonl", '{"id": ["x"], "text": "%s"}\n' % GOOD["g-cairo"]), "quarantined", "'id'"),
    "id-empty": (_write("idempty.jsonl", _rec("  ", GOOD["g-cairo"]) + "\n"), "quarantined", "'id' is empty"),
    "id-huge": (_write("idhuge.jsonl", _rec("x" * 1000, GOOD["g-cairo"]) + "\n"), "quarantined", "'id' is longer"),
    "duplicate-id": (_write("zz-duplicate.jsonl", _rec("g-saraqib", STRIKE.format(n="1", town="أطمة")) + "\n"),
                     "quarantined", "already used"),
    "published-2999": (_write("p2999.jsonl", _rec("p1", STRIKE.format(n="1", town="الأتارب"), published="2999-01-01") + "\n"),
                       "quarantined", "plausible range"),
    "published-0001": (_write("p0001.jsonl", _rec("p2", STRIKE.format(n="1", town="الأتارب"), published="0001-01-01") + "\n"),
                       "quarantined", "plausible range"),
    "published-garbage": (_write("pjunk.jsonl", _rec("p3", STRIKE.format(n="1", town="الأتارب"), published="yesterday") + "\n"),
                          "quarantined", "not an ISO 8601 date"),
    "deeply-nested-json": (_write("nested.jsonl", "[" * 200_000 + "]" * 200_000 + "\n"), "quarantined", "nested too deeply"),
    "huge-integer-json": (_write("bigint.jsonl", '{"id": "b1", "n": %s, "text": "%s"}\n' % ("9" * 6000, GOOD["g-mosul"])),
                          "quarantined", "bad JSONL line"),
    "over-long-jsonl-line": (_write("longline.jsonl", _rec("L", "ا " * (3 * MAX_ARTICLE_BYTES)) + "\n"),
                             "quarantined", "read limit"),
    "oversized-article": (_write("oversize.jsonl", _rec("O", "قتل " * (MAX_ARTICLE_BYTES // 6)) + "\n"),
                          "quarantined", "byte limit"),
    "invalid-utf8-in-line": (_write("badbytes.jsonl", _rec("u", GOOD["g-taiz"]).encode()[:30] + b"\xff\xfe\xc0" +
                                    _rec("u", GOOD["g-taiz"]).encode()[30:] + b"\n"), "quarantined", "not UTF-8"),
    "lone-surrogate": (_write("surrogate.jsonl", '{"id": "s", "text": "%s \\ud800"}\n' % GOOD["g-taiz"]),
                       "quarantined", "unpaired surrogate"),
    # counts past 64 bits in five digit systems, escape codes, bidi controls: they load, neutralised
    **{f"count-past-64-bits-{k}": (_write(f"count-{k}.jsonl", _rec(f"count-{k}", LOADED[k]) + "\n"), "loads", "")
       for k in DIGITS},
    "terminal-escapes-in-text": (_write("escapes.jsonl", _rec("esc", LOADED["terminal-escapes"]) + "\n"), "loads", ""),
    "bidi-controls-in-text": (_write("bidi.jsonl", _rec("bidi", LOADED["bidi-controls"]) + "\n"), "loads", ""),
    # half-written: left pending and reported, never read
    "part-suffix": (_write("half.txt.part", _page(STRIKE.format(n="22", town="كفرتخاريم"))), "reported", "pending"),
    "too-young": (_young, "reported", "pending"),
    # unbounded work: quarantined by the per-article time budget
    "unpunctuated-250kb": (_write("slow.jsonl", _rec("slow", unpunctuated_text(250_000)) + "\n"), "quarantined",
                           "too slow"),
}
def test_the_table_has_54_distinct_kinds():
    assert len(KINDS) == 54 and len(set(KINDS.values())) == 54


def _good_files(land: Path) -> dict[str, str]:
    """Write the 16 good articles: `g-*` as lines of one .jsonl, `txt-*` as pages, `html-*` as HTML."""
    lines = [_rec(a, t) for a, t in GOOD.items() if a.startswith("g-")]
    (land / "a-good.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for a, t in GOOD.items():
        if a.startswith("txt-"):
            (land / f"a-{a}.txt").write_text(_page(t), encoding="utf-8")
        elif a.startswith("html-"):
            (land / f"a-{a}.html").write_text(_html(f"<h1>{t[:20]}</h1><p>{t}</p>"), encoding="utf-8")
    return dict(GOOD)


@pytest.fixture
def hostile_landing(tmp_path, monkeypatch):
    """The landing folder, {kind: origin}, the good articles' {id: text}, and the environment."""
    monkeypatch.setenv("MARSAD_TEST_SECRET", SECRET)
    monkeypatch.delenv("MARSAD_QUARANTINE_DIR", raising=False)
    monkeypatch.setenv("MARSAD_MIN_FILE_AGE_SECONDS", "3600")
    monkeypatch.setenv("MARSAD_MAX_ARTICLE_BYTES", str(MAX_ARTICLE_BYTES))
    monkeypatch.setenv(budget.ENV, "0.5")
    land, outside = tmp_path / "landing", tmp_path / "outside"
    land.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(_page(STRIKE.format(n="30", town="سري " + SECRET)), encoding="utf-8")
    (outside / "secret.jsonl").write_text(_rec("secret", SECRET) + "\n", encoding="utf-8")
    ctx = Ctx(land, outside)
    good = _good_files(land)
    origins = {kind: build(ctx) for kind, (build, _, _) in KINDS.items()}
    for entry in os.scandir(os.fsencode(land)):
        if Path(os.fsdecode(entry.path)) not in ctx.young:
            os.utime(entry.path, (OLD, OLD), follow_symlinks=False)
    process.process_articles([process.Article("warm", GOOD["g-saraqib"])])  # lexicons load before any budget
    return land, origins, good


def _text_columns(con) -> list[tuple[str, str]]:
    return con.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
                       " AND (data_type = 'VARCHAR' OR data_type = 'BLOB' OR data_type LIKE '%[]')").fetchall()


def _secrets() -> list[bytes]:
    """Marker and environment entries (`KEY=value`, as /proc/self/environ holds them), /etc/passwd."""
    with open("/proc/self/environ", "rb") as f:
        env = [e for e in f.read().split(b"\0") if len(e) >= 12 and b"=" in e]
    return [SECRET.encode(), b"root:x:0:0", *env]


@pytest.mark.parametrize("load", [load_with_cli, load_with_dagster], ids=["marsad-load", "dagster"])
def test_54_kinds_of_hostile_input_beside_16_good_articles(load, hostile_landing, tmp_path, capsys):
    land, origins, good = hostile_landing
    db = tmp_path / "data" / "warehouse.duckdb"
    with time_limit(120):
        load(land, db, tmp_path, DAY)
    err = capsys.readouterr().err
    with duckdb.connect(str(db), read_only=True) as con:
        articles = dict(con.execute("SELECT article_id, text FROM articles").fetchall())
        origin_of = dict(con.execute("SELECT article_id, origin FROM articles").fetchall())
        with_events = {a for (a,) in con.execute("SELECT DISTINCT article_id FROM event_mentions").fetchall()}
        quarantine = con.execute("SELECT origin, reason, stage, line, first_bytes FROM quarantine").fetchall()
        counts = [v for (v,) in con.execute("SELECT value FROM event_quantities").fetchall()]
        stored = b"\0".join(
            str(v).encode("utf-8", "surrogatepass") if not isinstance(v, bytes) else v
            for t, c in _text_columns(con)
            for (v,) in con.execute(f'SELECT "{c}" FROM "{t}" WHERE "{c}" IS NOT NULL').fetchall())

    # every good article, with its events
    by_text = {t: a for a, t in articles.items()}
    for key, text in good.items():
        found = key if key in articles else next((a for t, a in by_text.items() if text in t), None)
        assert found is not None, f"good article {key} not loaded"
        assert found in with_events, f"good article {key} loaded without events"

    # every bad kind, as its row says
    reasons = {}
    for origin, reason, *_ in quarantine:
        reasons.setdefault(origin, []).append(reason)
    pending = read_landing(land, IngestSettings.from_env(land, default_quarantine=False)).pending
    wrong = {}
    for kind, (_, outcome, word) in KINDS.items():
        origin = origins[kind]
        if outcome == "quarantined":
            ok = any(word in r for r in reasons.get(origin, []))
        elif outcome == "reported":
            ok = origin in pending and origin not in origin_of.values() and origin not in reasons
            if load is load_with_cli:
                ok = ok and "pending" in err
        else:
            ok = origin in origin_of.values() and origin not in reasons
        if not ok:
            wrong[kind] = (outcome, word, reasons.get(origin))
    assert not wrong

    # hostile parts neutralised
    assert counts and all(v <= MAX_COUNT for v in counts)  # no count past 64 bits is stored as one
    assert all(o.isprintable() for o in origin_of.values()) and all(o.isprintable() for o, *_ in quarantine)
    assert all(not fb or (len(fb) <= 4 * FIRST_BYTES and b"\x1b" not in fb) for *_, fb in quarantine)
    assert main(["sql", "SELECT article_id, text FROM articles WHERE article_id IN ('esc', 'bidi')",
                 "--warehouse", str(db), "--format", "csv"]) == 0
    shown = capsys.readouterr().out
    assert "esc" in shown and "bidi" in shown and "\x1b" not in shown and "\x07" not in shown
    # not one byte from outside the folder (files, /etc/passwd, the environment)
    assert GOOD["g-saraqib"].encode() in stored  # the scan sees the stored text
    leaked = [s for s in _secrets() if s in stored]
    assert not leaked
