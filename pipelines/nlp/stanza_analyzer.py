"""stanza behind the analyzer interface.

Two configurations, one adapter:
* official models (`MARSAD_STANZA_DIR` as written by `stanza.download("ar")`): tokenize, mwt, pos,
  lemma, depparse, ner — each of our sentences is one document of one `bulk_process` call;
* no official models but a locally trained NER model (`marsad models train-ner`): our offline
  tokenizer feeds stanza (`tokenize_pretokenized=True`), stanza adds the NER tags.

`sentence_tokens()` maps a stanza sentence back onto the original text. It never trusts
`start_char` (documents read from CoNLL-U have none): tokens are found in order in the sentence
text, and the words of a multi-word token (و+ب+الجيش) are placed inside their token by matching
their forms letter by letter, diacritics ignored and hamza forms folded. In the ل+ال contraction
("للجيش" -> ل + الجيش) the article's alef is not written: the host word gets the written letters
"لجيش" as its text and keeps stanza's "الجيش" only as the lemma source.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

from pipelines.nlp.base import offline_version
from pipelines.nlp.sentences import SentenceAnalyzer
from pipelines.nlp.models import missing_official
from pipelines.nlp.offline import tag_entities, tokenize
from pipelines.records import AnalyzedSentence, Sentence, Token
from pipelines.text import normalize
from pipelines.versioning import Version

log = logging.getLogger("marsad.nlp")

_HARAKAT = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670"}
_MARKS = _HARAKAT | {"\u0640"}
_CLITIC_UPOS = frozenset({"CCONJ", "ADP", "AUX", "PART", "SCONJ"})


class StanzaAnalyzer(SentenceAnalyzer):
    name = "stanza"

    def __init__(self, model_dir: Path | None, ner_model_path: Path | None = None,
                 batch_size: int = 64, pipeline: Any = None) -> None:
        import stanza

        self.pretokenized = model_dir is None or bool(missing_official(model_dir))
        if pipeline is not None:
            self.nlp = pipeline
        elif not self.pretokenized:
            self.nlp = stanza.Pipeline(
                "ar", dir=str(model_dir), download_method=None,
                processors="tokenize,mwt,pos,lemma,depparse,ner", tokenize_no_ssplit=True,
                use_gpu=False, logging_level="WARN",
                pos_batch_size=batch_size * 20, depparse_batch_size=batch_size * 20,
                lemma_batch_size=batch_size * 20, ner_batch_size=batch_size)
        else:
            if ner_model_path is None:
                raise ValueError("without the official models in MARSAD_STANZA_DIR the stanza analyzer "
                                 "needs a local NER model (marsad models train-ner)")
            from pipelines.nlp.train import ner_pipeline

            work = Path(ner_model_path).resolve().parent
            self.nlp = ner_pipeline(Path(ner_model_path), work)
        self.batch_size = batch_size
        self.version = _model_version(None if self.pretokenized else model_dir, ner_model_path)
        if self.pretokenized:  # tokens come from the offline tokenizer
            self.version = f"{offline_version()}-{self.version}"

    def analyze_sentences(self, sentences: Sequence[Sentence]) -> list[AnalyzedSentence]:
        out: list[AnalyzedSentence] = []
        step = max(1, self.batch_size * 8)
        for i in range(0, len(sentences), step):
            chunk = sentences[i:i + step]
            if self.pretokenized:
                out.extend(self._pretokenized(chunk))
            else:
                docs = self.nlp.bulk_process([s.text for s in chunk])
                for s, doc in zip(chunk, docs):
                    out.append(AnalyzedSentence(s, document_tokens(doc, s), self.name))
        return out

    def _pretokenized(self, sentences: Sequence[Sentence]) -> list[AnalyzedSentence]:
        toks = [tokenize(s.text, s.start) for s in sentences]
        words = [[t.text for t in ts] for ts in toks if ts]
        tagged = iter(self.nlp(words).sentences if words else [])
        out = []
        for s, ts in zip(sentences, toks):
            if ts:
                st = next(tagged)
                ts = tag_entities(ts, _entity_spans(st.tokens, ts))
            out.append(AnalyzedSentence(s, tuple(ts), self.name))
        return out


def _entity_spans(stanza_tokens: Sequence[Any], ours: Sequence[Token]) -> list[tuple[int, int, str]]:
    spans = []
    for tag, (start, end) in _bio_spans([t.ner or "O" for t in stanza_tokens]):
        spans.append((ours[start].start, ours[end - 1].end, tag))
    return spans


def _bio_spans(tags: Sequence[str]) -> list[tuple[str, tuple[int, int]]]:
    """Entity (label, [start, end)) index spans from BIO or BIOES tags."""
    out, start, label = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, lab = tag.partition("-")
        if start is not None and (prefix in ("O", "B", "S") or lab != label):
            out.append((label, (start, i)))
            start = label = None
        if prefix in ("B", "S") or (prefix in ("I", "E") and start is None):
            start, label = i, lab
        if prefix in ("E", "S") and start is not None:
            out.append((label, (start, i + 1)))
            start = label = None
    return out


def document_tokens(doc: Any, sentence: Sentence) -> tuple[Token, ...]:
    """All words of a stanza Document analysed from one of our sentences (heads renumbered)."""
    if len(doc.sentences) == 1:
        return sentence_tokens(doc.sentences[0], sentence)
    out: list[Token] = []
    pos = 0
    for st in doc.sentences:
        shift = len(out)
        toks = sentence_tokens(st, sentence, start_at=pos)
        if toks:
            pos = toks[-1].end - sentence.start
        out.extend(t if not t.head else _replace(t, head=t.head + shift) for t in toks)
    return tuple(out)


def _replace(t: Token, **kw: Any) -> Token:
    vals = {f: getattr(t, f) for f in ("text", "start", "end", "lemma", "upos", "feats", "head", "deprel", "ner")}
    vals.update(kw)
    return Token(**vals)


def sentence_tokens(st: Any, sentence: Sentence, start_at: int = 0) -> tuple[Token, ...]:
    """Map one stanza Sentence onto `sentence` (offsets into the original article text)."""
    text = sentence.text
    base = sentence.start
    pos = start_at
    out: list[Token] = []
    for tok in st.tokens:
        a, b = _find(text, tok.text, pos)
        pos = b
        words = tok.words
        spans = [(a, b)] if len(words) == 1 else _split_multiword(text, a, b, [w.text for w in words])
        tags = _word_tags(tok.ner, words)
        for w, (wa, wb), tag in zip(words, spans, tags):
            out.append(Token(text[wa:wb], base + wa, base + wb, w.lemma, w.upos, w.feats, w.head,
                             w.deprel, tag))
    return tuple(out)


def _find(text: str, surface: str, pos: int) -> tuple[int, int]:
    """Span of `surface` at or after `pos` (exact, then ignoring diacritics/hamza forms)."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if text.startswith(surface, pos):
        return pos, pos + len(surface)
    end = _match_letters(text, pos, len(text), surface)
    if end is not None:
        return pos, end
    k = text.find(surface, pos)
    if k >= 0:
        return k, k + len(surface)
    log.debug("stanza token %r not found in %r at %d", surface, text, pos)
    return pos, pos


def _match_letters(text: str, pos: int, limit: int, form: str) -> int | None:
    """End of `form` matched at text[pos:limit] letter by letter, or None.

    Diacritics are skipped everywhere, tatweel only inside a word (alone it is a dash word).
    """
    letters = [c for c in normalize(form) if c not in _HARAKAT] or list(form)
    letters = [c for c in letters if c != "\u0640"] or letters
    i = pos
    for n, c in enumerate(letters):
        skip = _MARKS if n else _HARAKAT
        while i < limit and text[i] in skip and text[i] != c:
            i += 1
        if i >= limit or normalize(text[i]) != c and text[i] != c:
            return None
        i += 1
    while i < limit and text[i] in _HARAKAT:
        i += 1
    return i


def _split_multiword(text: str, a: int, b: int, forms: list[str]) -> list[tuple[int, int]]:
    """Place the words of a multi-word token inside its span [a, b)."""
    spans: list[tuple[int, int]] = []
    pos = a
    for k, form in enumerate(forms):
        if k == len(forms) - 1:
            spans.append((pos, b))
            break
        end = _match_letters(text, pos, b, form)
        if end is None and form.startswith("ال") and k > 0 and forms[k - 1] in ("ل", "لِ"):
            end = _match_letters(text, pos, b, form[1:])  # ل+ال: the alef is not written
        if end is None:
            end = min(b, pos + max(1, len([c for c in form if c not in _MARKS])))
        spans.append((pos, end))
        pos = end
    return spans


def _word_tags(token_tag: str | None, words: Sequence[Any]) -> list[str]:
    """BIO tags for the words of one token from stanza's token-level BIOES tag.

    The name is the content word(s): a leading clitic (و، ب، ل) and a trailing pronoun stay O.
    """
    if not token_tag or token_tag == "O":
        return ["O"] * len(words)
    prefix, _, label = token_tag.partition("-")
    bio = "B" if prefix in ("B", "S") else "I"
    if len(words) == 1:
        return [f"{bio}-{label}"]
    tags = ["O"] * len(words)
    content = [i for i, w in enumerate(words) if not (
        (w.upos in _CLITIC_UPOS and len(w.text) <= 2) or (w.upos == "PRON" and i == len(words) - 1))]
    content = content or [len(words) - 1]
    for j, i in enumerate(content):
        tags[i] = f"{bio if j == 0 else 'I'}-{label}"
    return tags


def _model_version(model_dir: Path | None, ner_model: Path | None) -> str:
    version = Version()
    for root in (model_dir, ner_model):
        if root is None:
            continue
        for f in sorted(Path(root).rglob("*.pt")) if Path(root).is_dir() else [Path(root)]:
            version.stat(f)
    return version.digest()
