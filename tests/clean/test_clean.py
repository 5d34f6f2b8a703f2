"""Clean: furniture is removed by line, regions slice the original text, nothing is rewritten."""
from __future__ import annotations

from pipelines.clean import body_text, clean_article, furniture_rules
from pipelines.ingest import article_from_record, parse_txt_page
from pipelines.records import Article

P1 = "قال الدفاع المدني إن غارة جوية استهدفت بلدة في ريف إدلب صباح الأحد."
P2 = "وأضاف أن فرق الإنقاذ انتشلت ثلاثة قتلى من تحت الأنقاض."
P3 = "ولم تعلق الحكومة على الحادث حتى الآن."


def doc(text: str, fmt: str = "jsonl") -> Article:
    return Article("t", text, fmt=fmt)


def kept(text: str, fmt: str = "jsonl") -> list[str]:
    c = clean_article(doc(text, fmt))
    return [text[r.start:r.end] for r in c.regions]


def removed(text: str, fmt: str = "jsonl") -> list[tuple[str, str]]:
    c = clean_article(doc(text, fmt))
    return [(text[r.start:r.end], why) for r, why in c.removed]


def test_seed_page(samples_dir):
    raw = (samples_dir / "2024-09-19-levant-coalition-iraq.txt").read_text(encoding="utf-8")
    c = clean_article(parse_txt_page(raw, "seed.txt"))
    body = body_text(c)
    assert body.startswith("تصاعد التوترات يؤخر خطط انسحاب التحالف الدولي من العراق\n")  # title kept
    assert "التطورات الأخيرة في المنطقة" in body  # subtitle kept
    assert "وتنشر الولايات المتحدة 900 جندي في سوريا، و2500 جندي في العراق" in body
    for furniture in ("اقرأ أيضاً", "ليفانت-وكالات", "قد تحب أيضا", "كاريكاتير", "December 19, 2024",
                      "النشرة الإخبارية", "اشترك في قائمتنا البريدية", "منشورات شائعة"):
        assert furniture not in body, furniture
    whys = {why for _, why in c.removed}
    assert {"page separator", "read-also link", "byline", "related-articles block"} <= whys
    # Regions and removed regions never overlap and cover every non-blank character.
    spans = sorted([(r.start, r.end) for r in c.regions] + [(r.start, r.end) for r, _ in c.removed])
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert all(i in covered for i, ch in enumerate(raw) if not ch.isspace())


def test_read_also_variants_are_removed():
    for line in ("اقرأ أيضاً: هجوم جديد", "إقرأ أيضا:\u00a0تعليق من فرنسا", "اقرا ايضا - تقرير",
                 "للمزيد: ضربات جوية تستهدف مطاراً", "قد يهمك/ مساحة بيضاء", "أيضاً..\u00a0خارجية أمريكا"):
        text = f"{P1}\n{line}\n{P2}"
        assert kept(text) == [P1, P2], line


def test_tail_marker_removes_everything_after_it():
    text = f"{P1}\n{P2}\nقد تحب أيضا\nعنوان آخر\n{P3}"
    assert kept(text) == [f"{P1}\n{P2}"]
    assert removed(text) == [(f"قد تحب أيضا\nعنوان آخر\n{P3}", "related-articles block")]


def test_a_sentence_mentioning_the_newsletter_is_not_furniture():
    line = "وقالت الصحيفة في النشرة الإخبارية الصباحية إن القصف استمر طوال الليل."
    assert kept(f"{P1}\n{line}\n{P2}") == [f"{P1}\n{line}\n{P2}"]


def test_newsletter_box_sidebar_date_and_byline():
    text = f"{P1}\n{P2}\nمرصد-وكالات\n- December 19, 2024\nالنشرة الإخبارية\nاشترك في قائمتنا البريدية للحصول على التحديثات الجديدة!"
    assert kept(text) == [f"{P1}\n{P2}"]
    assert [why for _, why in removed(text)] == ["byline", "sidebar date", "newsletter box"]


def test_interleaved_headlines_between_paragraphs_are_removed():
    text = f"{P1}\nالجيش التركي يعلن تطويق عفرين السورية\nمقتل 17 مدنيا في قصف على مخيم\n{P2}\n{P3}"
    assert kept(text) == [P1, f"{P2}\n{P3}"]
    assert removed(text)[0][1] == "interleaved headline"


def test_headline_rule_keeps_continuations_and_timeline_dates():
    broken = "وحذرت منظمات الإغاثة من أن نحو ربع مليون شخص سيتضررون جراء"
    for line in (broken, "9 أكتوبر", "وقال المتحدث إن الوضع \"مستقر\""):
        text = f"{P1}\n{line}\n{P2}"
        assert kept(text) == [text], line


def test_headline_rule_needs_text_on_both_sides():
    lead = "غارة جوية على ريف إدلب"
    assert kept(f"{lead}\n{P1}\n{P2}") == [f"{lead}\n{P1}\n{P2}"]  # first line: the lead
    assert kept(f"{P1}\n{P2}\nمراسلنا في دمشق") == [f"{P1}\n{P2}\nمراسلنا في دمشق"]  # last line stays


def test_single_line_documents_are_never_trimmed_by_context_rules():
    for text in ("قتل 16 مدنيا الجمعة إثر غارة تركية", "9 أكتوبر", P1):
        assert kept(text) == [text]


def test_bbc_app_promotion_and_rule():
    promo = "يمكنكم استلام إشعارات بأهم الموضوعات بعد تحميل أحدث نسخة من تطبيق بي بي سي عربي على هاتفكم المحمول."
    text = f"{P1}\n{P2}\n{'-' * 40}\n{promo}"
    assert kept(text) == [f"{P1}\n{P2}"]


def test_offsets_survive_diacritics_and_nbsp_in_furniture():
    line = "اقْرَأْ\u00a0أَيْضاً: تقرير"
    text = f"{P1}\n{line}\n{P2}"
    c = clean_article(doc(text))
    assert [text[r.start:r.end] for r, _ in c.removed] == [line]


def test_jsonl_record_is_cleaned_like_a_page():
    a = article_from_record({"id": "x", "text": f"{P1}\nاقرأ أيضاً: خبر\n{P2}"})
    assert body_text(clean_article(a)) == f"{P1}\n{P2}"


def test_empty_and_blank_texts():
    assert clean_article(doc("")).regions == ()
    assert clean_article(doc("\n \n")).regions == ()


def test_patterns_load_once():
    assert furniture_rules() is furniture_rules()
