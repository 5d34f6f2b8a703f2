"""A small landing folder written at test time: short Arabic reports in both input formats,
one undated record, and two inputs that must be quarantined."""
from __future__ import annotations

import json
import os
from pathlib import Path

RECORDS = [
    {"id": "fx-strike", "source": "test", "url": "https://example.org/1", "published": "2024-03-10T09:00:00+00:00",
     "title": "غارة جوية على ريف إدلب",
     "text": "قتل 5 مدنيين وأصيب 12 آخرون في غارة جوية استهدفت بلدة معرة النعمان في ريف إدلب يوم السبت، "
             "بحسب المرصد السوري لحقوق الإنسان."},
    {"id": "fx-protest", "source": "test", "url": "https://example.org/2", "published": "2024-03-11",
     "title": "احتجاجات في بغداد",
     "text": "تظاهر آلاف المحتجين في ساحة التحرير وسط بغداد أمس الأحد للمطالبة بتحسين الخدمات ومحاربة الفساد. "
             "وأغلقت قوات الأمن الطرق المؤدية إلى المنطقة الخضراء."},
    {"id": "fx-undated", "source": "test", "url": "https://example.org/3", "published": None,
     "title": "اعتقالات في القاهرة",
     "text": "اعتقلت قوات الأمن المصرية 15 شخصاً في القاهرة بتهمة التحريض على التظاهر، وفق ما أفاد محامون."},
]

TXT_PAGE = """-
واشنطن ترسل 300 جندي إضافي إلى شمال شرق سوريا
-
تعزيزات أمريكية جديدة في المنطقة
قال مسؤول في وزارة الدفاع الأمريكية إن الولايات المتحدة نشرت 300 جندي إضافي في شمال شرق سوريا يوم الاثنين لتعزيز قواتها هناك.
وأضاف المسؤول أن القوات ستبقى في المنطقة حتى إشعار آخر.
اقرأ أيضاً
انسحاب القوات التركية من مواقع في ريف حلب
"""

DAYS = ("2024-03-10", "2024-03-11")  # publication days present in the fixture
INGEST_MTIME = 1_710_288_000  # 2024-03-13 00:00 UTC: the "ingest day" of the undated record
INGEST_DAY = "2024-03-13"
# The fixture's days as partitions, in order, with the empty day between them that range runs cover.
FIXTURE_PARTITIONS = (*DAYS, "2024-03-12", INGEST_DAY)


def write_landing(folder: Path) -> Path:
    """Write the fixture landing folder; file times are fixed so the undated record's day is known."""
    folder.mkdir(parents=True, exist_ok=True)
    dated = folder / "reports.jsonl"
    dated.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS[:2]) + "\n", encoding="utf-8")
    undated = folder / "undated.jsonl"
    undated.write_text(json.dumps(RECORDS[2], ensure_ascii=False) + "\n", encoding="utf-8")
    page = folder / "2024-03-11-us-deployment.txt"
    page.write_text(TXT_PAGE, encoding="utf-8")
    broken = folder / "broken.jsonl"
    broken.write_text('{"id": "cut", "text": "نص مقطوع\n', encoding="utf-8")
    for p in (dated, undated, page, broken):
        os.utime(p, (INGEST_MTIME, INGEST_MTIME))
    return folder
