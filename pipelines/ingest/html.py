"""HTML page -> (title, published, text) with a real parser (selectolax/Lexbor).

Paragraph boundaries are kept: every block element becomes its own line, so the cleaner and the
sentence splitter see the same structure as in a `.txt` page. Navigation, headers, footers,
asides, forms and scripts are dropped here because they are markup, not text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "object", "embed", "canvas", "head",
)
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "table", "tr", "thead", "tbody", "dl", "dt", "dd", "figcaption", "address",
    "hr", "br", "body", "html",
})
_SPACE = re.compile(r"[ \t\r\n\f]+")  # HTML whitespace only; NBSP is text
_PUBLISHED_META = (
    'meta[property="article:published_time"]', 'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]', 'meta[name="pubdate"]', 'meta[name="publishdate"]',
    'meta[name="date"]', 'meta[name="DC.date.issued"]',
)


@dataclass(frozen=True, slots=True)
class HtmlPage:
    title: str
    published: str | None
    text: str


def parse_html(html: str) -> HtmlPage:
    """Extract the article from an HTML page. The `<h1>` used as title is not repeated in `text`."""
    tree = LexborHTMLParser(html)
    title = _meta(tree, 'meta[property="og:title"]') or ""
    h1 = tree.css_first("h1")
    if not title and h1 is not None:
        title = _collapse(h1.text(deep=True))
    if not title:
        t = tree.css_first("title")
        title = _collapse(t.text(deep=True)) if t is not None else ""
    published = None
    for sel in _PUBLISHED_META:
        published = _meta(tree, sel)
        if published:
            break
    if not published:
        time_node = tree.css_first("time[datetime]")
        published = (time_node.attributes.get("datetime") or None) if time_node is not None else None
    for tag in DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    if h1 is not None and _collapse(h1.text(deep=True)) == title:
        h1.decompose()
    articles = tree.css("article")
    root = articles[0] if len(articles) == 1 else (tree.body or tree.root)
    text = "\n".join(_block_lines(root)) if root is not None else ""
    return HtmlPage(title=title, published=published, text=text)


def _meta(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    value = (node.attributes.get("content") or "").strip()
    return value or None


def _collapse(s: str | None) -> str:
    return _SPACE.sub(" ", s or "").strip()


def _block_lines(root: LexborNode) -> list[str]:
    """Text of `root`, one line per block element, inline whitespace collapsed as a browser does."""
    lines: list[str] = []
    pieces: list[str] = []

    def flush() -> None:
        line = _collapse("".join(pieces))
        pieces.clear()
        if line:
            lines.append(line)

    # Iterative walk (deeply nested markup must not hit the recursion limit).
    stack: list[tuple[LexborNode, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            flush()
            continue
        if tag == "-text":
            pieces.append(node.text_content or "")
            continue
        if tag in ("-comment", "!doctype"):
            continue
        block = tag in BLOCK_TAGS
        if block:
            flush()
            stack.append((node, False))
        elif tag in ("td", "th"):
            pieces.append(" ")
        children = []
        child = node.first_child
        while child is not None:
            children.append(child)
            child = child.next
        for c in reversed(children):
            stack.append((c, True))
    flush()
    return lines
