"""The stanza code path without the model hub: real stanza Documents read from UD Arabic-PUD
(CoNLL-U) through our adapter, and a tiny NER model trained here and loaded by `stanza.Pipeline`.

Select with `pytest -k stanza`; everything reading ../shared skips cleanly when it is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.stanza

stanza = pytest.importorskip("stanza")
from stanza.utils.conll import CoNLL  # noqa: E402

from pipelines.nlp.stanza_analyzer import StanzaAnalyzer, _bio_spans, document_tokens, sentence_tokens  # noqa: E402
from pipelines.records import Article, CleanArticle, Region, Sentence  # noqa: E402


# ------------------------------------------------------------------ PUD documents


@pytest.fixture(scope="session")
def pud_path(shared_dir: Path) -> Path:
    path = shared_dir / "nlp" / "ar_pud-ud-test.conllu"
    if not path.exists():
        pytest.skip("UD Arabic-PUD is absent")
    return path


@pytest.fixture(scope="session")
def pud(pud_path: Path):
    """(stanza Document, article text, our Sentences) for the whole treebank."""
    doc = CoNLL.conll2doc(input_file=str(pud_path))
    texts = [s.text for s in doc.sentences]
    article = "\n".join(texts)
    sentences, pos = [], 0
    for i, t in enumerate(texts):
        sentences.append(Sentence("pud", i, pos, pos + len(t), t))
        pos += len(t) + 1
    return doc, article, sentences


def test_stanza_adapter_pud_offsets_and_parse(pud):
    doc, article, sentences = pud
    n_words = 0
    for st, sent in zip(doc.sentences, sentences):
        toks = sentence_tokens(st, sent)
        assert len(toks) == len(st.words)
        n_words += len(toks)
        prev = sent.start
        for tok, word in zip(toks, st.words):
            assert article[tok.start:tok.end] == tok.text == word.text  # PUD words are substrings
            assert sent.start <= tok.start and tok.end <= sent.end and tok.start >= prev
            prev = tok.end
            assert (tok.lemma, tok.upos, tok.head, tok.deprel) == (word.lemma, word.upos, word.head, word.deprel)
    assert n_words > 20000


def _mwt_conllu(pud_path: Path) -> tuple[str, list[list[tuple[int, int]]]]:
    """PUD rewritten the PADT way: words written together become one multi-word token, and the
    host of ل+ال gets its article back ("ل" + "السلطة" for "للسلطة"). Returns the CoNLL-U text and,
    per sentence, the expected character span of every word within the sentence text."""
    out_lines: list[str] = []
    expected: list[list[tuple[int, int]]] = []
    text, rows = "", []

    def flush():
        spans, pos, groups, cur = [], 0, [], []
        for r in rows:
            cur.append(r)
            if "SpaceAfter=No" not in r[9]:
                groups.append(cur)
                cur = []
        if cur:
            groups.append(cur)
        out_lines.append(f"# text = {text}")
        for g in groups:
            arabic = len(g) > 1 and all(r[3] != "PUNCT" and r[1][0] >= "\u0600" for r in g)
            if arabic:
                surface = "".join(r[1] for r in g)
                last_misc = "SpaceAfter=No" if "SpaceAfter=No" in g[-1][9] else "_"
                out_lines.append(f"{g[0][0]}-{g[-1][0]}\t{surface}\t_\t_\t_\t_\t_\t_\t_\t{last_misc}")
            for k, r in enumerate(g):
                while text[pos].isspace():
                    pos += 1
                spans.append((pos, pos + len(r[1])))
                pos += len(r[1])
                r = list(r)
                if arabic:
                    if k > 0 and g[k - 1][1] == "ل" and r[1].startswith("ل") and not r[1].startswith("ال"):
                        r[1] = "ا" + r[1]
                    r[9] = "_"
                out_lines.append("\t".join(r))
        out_lines.append("")
        expected.append(spans)

    with open(pud_path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                text = line[len("# text = "):]
            elif not line:
                if rows:
                    flush()
                rows = []
            elif not line.startswith("#"):
                rows.append(line.split("\t"))
    if rows:
        flush()
    return "\n".join(out_lines) + "\n", expected


def test_stanza_adapter_multiword_tokens(pud_path):
    conllu, expected = _mwt_conllu(pud_path)
    doc = CoNLL.conll2doc(input_str=conllu)
    mwt = sum(1 for s in doc.sentences for t in s.tokens if len(t.words) > 1)
    assert mwt > 1500
    contracted = 0
    for i, st in enumerate(doc.sentences):
        sent = Sentence("pud", i, 1000, 1000 + len(st.text), st.text)
        toks = sentence_tokens(st, sent)
        assert [(t.start - 1000, t.end - 1000) for t in toks] == expected[i]
        for tok, word in zip(toks, st.words):
            assert st.text[tok.start - 1000:tok.end - 1000] == tok.text
            if word.text != tok.text:
                contracted += 1  # ل+ال: stanza's word "السلطة", our text "لسلطة"
                assert word.text == "ا" + tok.text
    assert contracted > 100


def test_stanza_document_with_two_sentences_renumbers_heads(pud):
    doc, article, sentences = pud
    two = stanza.Document([])
    two.sentences.extend([doc.sentences[0], doc.sentences[1]])
    s0, s1 = sentences[0], sentences[1]
    joined = Sentence("pud", 0, s0.start, s1.end, article[s0.start:s1.end])
    toks = document_tokens(two, joined)
    n0 = len(doc.sentences[0].words)
    assert len(toks) == n0 + len(doc.sentences[1].words)
    assert toks[n0].start == s1.start
    assert all(t.head == 0 or t.head > n0 for t in toks[n0:])


MY_PARSE = """# text = قتل الجيش السوري 12 مسلحا في هجوم على حلب.
1	قتل	قَتَل	VERB	_	_	0	root	_	_
2	الجيش	جَيش	NOUN	_	_	1	nsubj	_	_
3	السوري	سُورِيّ	ADJ	_	_	2	amod	_	_
4	12	12	NUM	_	_	5	nummod	_	_
5	مسلحا	مُسَلَّح	NOUN	_	_	1	obj	_	_
6	في	فِي	ADP	_	_	7	case	_	_
7	هجوم	هُجُوم	NOUN	_	_	1	obl	_	_
8	على	عَلَى	ADP	_	_	9	case	_	_
9	حلب	حَلَب	PROPN	_	_	7	nmod	_	SpaceAfter=No
10	.	.	PUNCT	_	_	1	punct	_	_

"""


def test_stanza_documents_feed_the_extractor(pud):
    """Extraction runs on adapter output for the whole treebank, and uses the parse when given."""
    from pipelines.extract import extract_events

    doc, article, sentences = pud
    analyzed = [_analyzed(st, s) for st, s in zip(doc.sentences, sentences)]
    clean = CleanArticle(Article("pud", article), (Region(0, len(article)),))
    events = extract_events(clean, analyzed, [])
    for ev in events:
        assert article[ev.trigger.start:ev.trigger.end] == ev.trigger.text

    # a news sentence parsed by hand (our own CoNLL-U): the subject is the actor
    text = "قتل الجيش السوري 12 مسلحا في هجوم على حلب."
    mine = CoNLL.conll2doc(input_str=MY_PARSE)
    sent = Sentence("mine", 0, 0, len(text), text)
    toks = document_tokens(mine, sent)
    assert [t.text for t in toks][:3] == ["قتل", "الجيش", "السوري"]
    clean = CleanArticle(Article("mine", text), (Region(0, len(text)),))
    from pipelines.records import AnalyzedSentence

    events = extract_events(clean, [AnalyzedSentence(sent, toks, "stanza")], [])
    assert events and events[0].event_type == "ASSAULT"
    assert events[0].actor is not None and "الجيش" in events[0].actor.text
    assert "actor:dependency" in events[0].explain and "target:dependency" in events[0].explain
    assert events[0].target is not None and events[0].target.text == "مسلحا"


def _analyzed(st, s):
    from pipelines.records import AnalyzedSentence

    return AnalyzedSentence(s, sentence_tokens(st, s), "stanza")


def test_stanza_bio_spans():
    assert _bio_spans(["B-LOC", "I-LOC", "O", "S-PER", "B-ORG", "E-ORG", "I-MISC"]) == [
        ("LOC", (0, 2)), ("PER", (3, 4)), ("ORG", (4, 6)), ("MISC", (6, 7))]


# ------------------------------------------------------------------ a tiny trained NER model


def _slice(src: Path, dst: Path, n_sentences: int) -> Path:
    out, n = [], 0
    with open(src, encoding="utf-8") as handle:
        for line in handle:
            out.append(line)
            if not line.strip():
                n += 1
                if n >= n_sentences:
                    break
    dst.write_text("".join(out), encoding="utf-8")
    return dst


@pytest.fixture(scope="session")
def tiny_ner_model(shared_dir: Path, tmp_path_factory) -> Path:
    """Train a stanza NER model with `marsad models train-ner` on 300 ANERcorp sentences (~1 min)."""
    train = shared_dir / "nlp" / "anercorp_train.txt"
    if not train.exists():
        pytest.skip("ANERcorp is absent")
    from pipelines.cli import main

    work = tmp_path_factory.mktemp("tiny_ner")
    tr = _slice(train, work / "train.txt", 300)
    dev = _slice(shared_dir / "nlp" / "anercorp_test.txt", work / "dev.txt", 40)
    rc = main(["models", "train-ner", "--train", str(tr), "--dev", str(dev), "--max-steps", "60",
               "--eval-interval", "30", "--threads", "1", "--optim", "adam", "--lr", "0.003", "--out", str(work / "model")])
    assert rc == 0
    model = work / "model" / "ar_marsad_nertagger.pt"
    assert model.exists()
    return model


def test_stanza_pipeline_loads_tiny_ner_model_without_hub(tiny_ner_model, tmp_path):
    res = tmp_path / "res"
    res.mkdir()
    (res / "resources.json").write_text('{"ar": {"lang_name": "Arabic"}}', encoding="utf-8")
    nlp = stanza.Pipeline("ar", dir=str(res), download_method=None, processors="tokenize,ner",
                          tokenize_pretokenized=True, ner_model_path=str(tiny_ner_model),
                          use_gpu=False, logging_level="WARN")
    assert set(nlp.processors["ner"].get_known_tags()) == {"LOC", "PERS", "ORG", "MISC"}
    doc = nlp([["قال", "الرئيس", "الأمريكي", "في", "واشنطن"], ["وصل", "الوفد", "إلى", "بغداد"]])
    assert len(doc.sentences) == 2
    tags = [t.ner for s in doc.sentences for t in s.tokens]
    assert len(tags) == 9
    assert all(t == "O" or t.split("-", 1)[1] in {"LOC", "PERS", "ORG", "MISC"} for t in tags)


def test_stanza_analyzer_with_local_ner_model(tiny_ner_model):
    text = "وقال وزير الخارجية الأمريكي في واشنطن إن الجيش انسحب من بغداد."
    analyzer = StanzaAnalyzer(None, ner_model_path=tiny_ner_model)
    assert analyzer.pretokenized and analyzer.name == "stanza"
    sents = analyzer.analyze(CleanArticle(Article("x", text), (Region(0, len(text)),)))
    assert len(sents) == 1 and sents[0].analyzer == "stanza"
    toks = sents[0].tokens
    assert [t.text for t in toks][:2] == ["و", "قال"]
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert {t.ner for t in toks} <= {"O"} | {f"{p}-{l}" for p in "BI" for l in ("LOC", "PERS", "ORG", "MISC")}


def test_stanza_tiny_model_learned_something(tiny_ner_model, shared_dir, tmp_path):
    """60 Adam steps on 300 sentences already find training-set entities: the model really trained."""
    from pipelines.nlp.train import evaluate_ner, read_token_tag_file

    sents = read_token_tag_file(tiny_ner_model.parent.parent / "train.txt")[:100]
    p, r, f = evaluate_ner(tiny_ner_model, sents, tmp_path)
    assert f > 0.1
