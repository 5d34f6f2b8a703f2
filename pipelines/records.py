"""Typed records passed between Marsad's stages.

Every stage is a pure function over these records, so each can be tested alone. All character
offsets (`start`, `end`) are offsets into the *original* article text (`Article.text`), never into
a normalised or cleaned copy: provenance is kept from the first stage to the warehouse.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Precision = Literal["day", "week", "month", "year"]
Modality = Literal["asserted", "negated", "hypothetical", "future", "historical"]
GeoPrecision = Literal["point", "city", "admin2", "admin1", "country", "region"]
# The event types (`Event.event_type`) of the PLOVER ontology.
PLOVER_TYPES = frozenset({
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "ACCUSE",
    "REQUEST", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT",
})
QuantityRole = Literal[
    "killed", "injured", "detained", "abducted", "displaced", "deployed", "participants", "launched"
]


@dataclass(frozen=True, slots=True)
class Article:
    """One raw article as ingested. `text` is the original text; offsets everywhere point into it."""

    article_id: str
    text: str
    title: str = ""
    published: date | None = None
    source: str = ""
    url: str = ""
    origin: str = ""  # file the article came from (path relative to the landing folder)
    fmt: str = ""  # "txt" | "jsonl" | "html" ...
    abstract: str = ""
    line: int | None = None  # line of `origin` the record was read from (JSONL), for quarantine entries
    # UTC day `origin` was last written in the landing folder, recorded by the reader for an article
    # without `published` only: its partition day (`pipelines.days`)
    landed: date | None = None


# The stages after reading at which one article can fail (`pipelines/process.py` runs the first four,
# `pipelines/warehouse/frames.py` and `load.py` the last two); "ingest" is the landing reader's.
STAGES = ("ingest", "clean", "nlp", "dates", "extract", "frame", "load")
MAX_REASON_CHARS = 300  # an exception message can quote the whole hostile input


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An input that could not be loaded, with the reason and the first bytes for diagnosis.

    `stage` says where it failed (one of `STAGES`); an article that was read but failed a later stage
    has its `article_id` and stores no bytes (the landing file and line say where it is)."""

    origin: str
    reason: str
    first_bytes: bytes = b""
    line: int | None = None
    stage: str = "ingest"
    article_id: str | None = None

    @classmethod
    def of_article(cls, article: Article, stage: str, reason: str) -> "Quarantined":
        """The quarantine entry of an article that failed `stage` (the rest of its batch goes on)."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        if len(reason) > MAX_REASON_CHARS:
            reason = reason[:MAX_REASON_CHARS - 1] + "…"
        return cls(article.origin, reason, b"", article.line, stage, article.article_id)


@dataclass(frozen=True, slots=True)
class Region:
    """A half-open character range [start, end) of the original text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CleanArticle:
    """An article with site furniture removed.

    Rather than copying text, cleaning keeps the list of body `regions` of the original text; the
    body is every region in order. Offsets therefore never need re-mapping.
    """

    article: Article
    regions: tuple[Region, ...]
    removed: tuple[tuple[Region, str], ...] = ()  # (region, why) for what was dropped

    @property
    def article_id(self) -> str:
        return self.article.article_id


@dataclass(frozen=True, slots=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    text: str
    start: int
    end: int
    value: str | None  # YYYY-MM-DD | YYYY-Www | YYYY-MM | YYYY ; None when unresolvable
    precision: Precision | None
    source: Literal["explicit", "relative", "published", "dateline"] = "explicit"
    rule: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str
    start: int
    end: int
    value: int
    value_max: int | None = None
    role: str | None = None  # one of QuantityRole when the counted noun says it
    noun: str = ""  # the counted noun, as written

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Place:
    """A place mention resolved against the gazetteer."""

    text: str
    start: int
    end: int
    name: str
    country: str | None  # ISO 3166 alpha-3
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    precision: GeoPrecision | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor mention resolved against the actor dictionary (`code` like `SYR GOV MIL`, `ISIL`)."""

    text: str
    start: int
    end: int
    code: str | None
    country: str | None = None  # ISO3 of the state the actor belongs to, if any
    name: str = ""
    sector: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Event:
    """One event mention extracted from one sentence."""

    doc_id: str
    sentence_index: int
    event_type: str  # PLOVER type, upper case
    trigger: Span
    modality: Modality = "asserted"
    mode: str | None = None
    actor: ActorMention | None = None
    actors: list[ActorMention] = field(default_factory=list)  # compound actors stay a list
    target: ActorMention | None = None
    location: Place | None = None
    quantities: list[Quantity] = field(default_factory=list)
    date: TemporalExpression | None = None
    confidence: float = 0.5
    explain: list[str] = field(default_factory=list)
    locations: list[Place] = field(default_factory=list)  # every place the event is said to happen, best first
    event_id: str | None = None  # shared by the records of one act in one article (`extract/coref.py`)

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "event_id": self.event_id,
            "sentence_index": self.sentence_index,
            "event_type": self.event_type,
            "mode": self.mode,
            "modality": self.modality,
            "trigger": self.trigger.to_json(),
            "actor": self.actor.to_json() if self.actor else None,
            "actors": [a.to_json() for a in self.actors],
            "target": self.target.to_json() if self.target else None,
            "location": self.location.to_json() if self.location else None,
            "locations": [p.to_json() for p in self.locations],
            "quantities": [q.to_json() for q in self.quantities],
            "date": (
                {"value": self.date.value, "precision": self.date.precision, "source": self.date.source,
                 "text": self.date.text, "start": self.date.start, "end": self.date.end}
                if self.date else None
            ),
            "confidence": round(self.confidence, 3),
        }
        if explain:
            out["explain"] = list(self.explain)
        return out


@dataclass(frozen=True, slots=True)
class Token:
    """One syntactic word (clitics split) with offsets into the original article text.

    `head` is the 1-based index of the governing token within the sentence (0 = root), as in
    CoNLL-U; None when the analyzer does not parse. `ner` is a BIO tag (e.g. "B-LOC") or "O".
    """

    text: str
    start: int
    end: int
    lemma: str | None = None
    upos: str | None = None
    feats: str | None = None
    head: int | None = None
    deprel: str | None = None
    ner: str = "O"


@dataclass(frozen=True, slots=True)
class AnalyzedSentence:
    sentence: Sentence
    tokens: tuple[Token, ...]
    analyzer: str = "offline"  # which analyzer produced it ("offline" | "stanza")
