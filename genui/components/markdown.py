"""The Markdown component: untrusted Markdown text, rendered safely on the server.

Parsing is markdown-it-py's (the ``commonmark`` preset with raw HTML off, plus tables,
strikethrough and task lists from mdit-py-plugins): genui does not parse Markdown itself.
What genui does is *write* the parser's tokens, from a fixed set of elements, so nothing in
the text picks a tag or an attribute: no raw HTML, no ``id`` attributes, no inline styles;
every link and image URL meets the spec's URL policy (:func:`genui.sanitize.screen_url`), so a
refused one is reported like any other prop and the link is shown as its text.

Validation also cleans the ``text`` prop itself (client renderers render it too): the link
syntax of a paragraph with a refused URL is escaped and the refused destination deleted, the
text parsed again to confirm, and, if that does not settle it, all of the text's Markdown
syntax is escaped.

With ``streaming`` true (the agent is still writing the text), the last top-level block is
shown as plain escaped text (``genui-markdown__pending``) and the blocks before it render as
Markdown; so a half-written ``[link](java`` is never a link.

markdown-it-py is the optional extra ``genui[markdown]``; the component is not in the default
registry: ``default_registry().extend(MARKDOWN)``, or :func:`markdown_component` for another
name or heading level.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple, Self

from pydantic import PrivateAttr, ValidationInfo, field_validator, model_validator

from genui.components.base import PropsModel
from genui.htmltext import escape_html
from genui.registry import Component
from genui.sanitize import (
    CONTEXT_POLICY,
    DEFAULT_URL_POLICY,
    UrlContext,
    UrlPolicy,
    check_url,
    is_css_token,
    screen_url,
)
from genui.writing import Element

try:
    from markdown_it import MarkdownIt
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle
    from markdown_it.token import Token
    from mdit_py_plugins.tasklists import tasklists_plugin
except ImportError as error:  # pragma: no cover - exercised by test_imports in a bare env
    raise ImportError(
        "genui.components.markdown needs markdown-it-py and mdit-py-plugins:"
        " pip install 'genui[markdown]'"
    ) from error

__all__ = [
    "MARKDOWN",
    "MAX_NESTING",
    "MarkdownProps",
    "clean_markdown",
    "markdown_component",
    "markdown_plain_text",
    "write_markdown",
]

MAX_NESTING: Final = 20
"""markdown-it's ``maxNesting``: deeper block or inline nesting is shown as text."""

_LINK_TAIL: Final = ' rel="noopener noreferrer nofollow" target="_blank">'
_CHECKBOX: Final = '<input class="genui-markdown__task" type="checkbox" disabled'
_ALIGN: Final = {
    "text-align:left": "left",
    "text-align:center": "center",
    "text-align:right": "right",
}
_CLEAN_PASSES: Final = 3
_ATTRIBUTE_FACTOR: Final = 2
_ATTRIBUTE_FLOOR: Final = 8 * 1024
_PROBE_FACTOR: Final = 8
_LINK_SYNTAX: Final = re.compile(r"[\\\[\]<]")
_ASCII_PUNCTUATION: Final = re.compile(r"[!-/:-@\[-`{-~]")
_NEWLINES: Final = re.compile(r"\r\n?")
_CLOSING: Final = re.compile(r"[ \t\n]*\)")
_SPACE: Final = re.compile(r"[ \t\n]*")
_MAX_TITLE: Final = 2048


def _parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {
            "html": False,
            "linkify": False,
            "typographer": False,
            "maxNesting": MAX_NESTING,
            "inline_definitions": True,
        },
    )
    md.enable(["table", "strikethrough"])
    md.use(tasklists_plugin, enabled=False, label=False)
    # Every destination reaches genui's URL policy, which decides (and reports) for itself.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD: Final = _parser()


def _normalize(text: str) -> str:
    """The text as markdown-it splits it into lines (token maps count these lines)."""
    return _NEWLINES.sub("\n", text).replace("\0", "\ufffd")


def _parse(text: str) -> list[Token]:
    try:
        return _MD.parse(text)
    except RecursionError:  # pragma: no cover - maxNesting keeps the parser shallow
        return _MD.parse(_ASCII_PUNCTUATION.sub(r"\\\g<0>", text))


class _Url(NamedTuple):
    """A URL in the parse: which context, its value, the lines of the block it is in."""

    context: UrlContext
    url: str
    lines: tuple[int, int]


def _urls(tokens: Sequence[Token]) -> list[_Url]:
    """Every link, image and reference-definition URL, with the source lines it came from."""
    found: list[_Url] = []
    for token in tokens:
        span = (token.map[0], token.map[1]) if token.map else (0, 0)
        if token.type == "definition":
            url = token.meta.get("url")
            if isinstance(url, str):
                found.append(_Url("href", url, span))
            continue
        stack = list(token.children or ())
        while stack:
            child = stack.pop()
            if child.type == "link_open":
                found.append(_Url("href", str(child.attrs.get("href", "")), span))
            elif child.type == "image":
                found.append(_Url("img", str(child.attrs.get("src", "")), span))
                stack.extend(child.children or ())
    return found


def _delete_destinations(region: str, refused: frozenset[str]) -> str:
    """``region`` without the refused destinations of its links, autolinks and definitions.

    Destinations are found with markdown-it's own destination parser; the work is bounded
    (:data:`_PROBE_FACTOR` characters scanned per character of ``region``).
    """
    budget = _PROBE_FACTOR * len(region) + 64
    cuts: list[tuple[int, int]] = []
    index = 0
    for match in re.finditer(r"\]\(|\]:|<", region):
        start = match.end() if match.group() != "<" else match.start()
        if start < index:
            continue
        pos = start
        while pos < len(region) and region[pos] in " \t\n":
            pos += 1
        end = region.find("\n", pos)
        end = len(region) if end < 0 else end
        budget -= end - pos + 1
        if budget < 0:
            break
        result = parseLinkDestination(region, pos, end)
        if not result.ok:
            continue
        destination = _MD.normalizeLink(result.str)
        if destination in refused or _MD.normalizeLink("mailto:" + result.str) in refused:
            begin, finish = pos, result.pos
            if match.group() == "](":  # the whole "(destination "title")" goes
                begin = match.end() - 1
                gap = _SPACE.match(region, finish)
                after = gap.end() if gap else finish
                title = parseLinkTitle(region, after, min(len(region), after + _MAX_TITLE))
                closing = _CLOSING.match(region, title.pos if title.ok else finish)
                finish = closing.end() if closing else finish
            cuts.append((begin, finish))
            index = finish
    for begin, finish in reversed(cuts):
        region = region[:begin] + region[finish:]
    return region


def _refused(urls: Sequence[_Url], policy: UrlPolicy | None) -> list[_Url]:
    return [u for u in urls if check_url(u.url, context=u.context, policy=policy).url is None]


def _defuse(text: str, refused: Sequence[_Url]) -> str:
    """Escape the link syntax of the lines holding a refused URL, and delete the URLs."""
    lines = text.split("\n")
    spans = sorted({u.lines for u in refused})
    urls = frozenset(u.url for u in refused)
    done = -1
    for first, last in spans:
        first = max(first, done)
        if first >= last:
            continue
        region = _delete_destinations("\n".join(lines[first:last]), urls)
        escaped = _LINK_SYNTAX.sub(r"\\\g<0>", region).split("\n")
        lines[first:last] = escaped + [""] * (last - first - len(escaped))
        done = last
    return "\n".join(lines)


def _policy_of(validation: object) -> UrlPolicy | None:
    if isinstance(validation, Mapping):
        policy = validation.get(CONTEXT_POLICY)
        if isinstance(policy, UrlPolicy):
            return policy
    return None


def clean_markdown(text: str, validation: object, prop: str = "text") -> str:
    """``text`` with no URL the policy refuses, each refusal reported as ``prop``.

    ``validation`` is pydantic's ``info.context`` (see :func:`genui.sanitize.screen_url`).
    """
    global _LAST_PARSE
    text = _normalize(text)
    tokens = _parse(text)
    seen: dict[tuple[str, str], bool] = {}
    refused: list[_Url] = []
    for url in _urls(tokens):
        key = (url.context, url.url)
        if key not in seen:
            seen[key] = screen_url(url.url, url.context, validation, prop) is None
        if seen[key]:
            refused.append(url)
    policy = _policy_of(validation)
    for _ in range(_CLEAN_PASSES):
        if not refused:
            _LAST_PARSE = (text, tokens)
            return text
        text = _defuse(text, refused)
        tokens = _parse(text)
        refused = _refused(_urls(tokens), policy)
    if not refused:
        _LAST_PARSE = (text, tokens)
        return text
    return _ASCII_PUNCTUATION.sub(r"\\\g<0>", text)


_LAST_PARSE: tuple[str, list[Token]] = ("", [])
"""The text :func:`clean_markdown` returned last and its tokens: the props model then
writes them without parsing the text again (tokens are never changed once parsed)."""


class _Parsed(NamedTuple):
    """What the writer writes: the tokens of the completed text, and the pending text."""

    tokens: list[Token]
    pending: str


def _split(text: str, streaming: bool) -> _Parsed:
    last_text, last_tokens = _LAST_PARSE
    tokens = last_tokens if last_text == text else _parse(text)
    if not streaming:
        return _Parsed(tokens, "")
    starts = [t.map[0] for t in tokens if t.level == 0 and t.map]
    if not starts:
        return _Parsed(tokens, "")
    lines = text.split("\n")
    cut = max(starts)
    completed = "\n".join(lines[:cut])
    return _Parsed(_parse(completed) if cut else [], "\n".join(lines[cut:]).strip("\n"))


class MarkdownProps(PropsModel):
    """Markdown text (CommonMark with tables, strikethrough and task lists), no raw HTML."""

    text: str = ""
    """The Markdown source. Raw HTML is shown as text; links and images meet the URL policy."""
    streaming: bool = False
    """True while the text is still being written: the last block is shown as plain text
    until more text (or `streaming: false`) completes it."""

    _policy: UrlPolicy | None = PrivateAttr(default=None)
    _parsed: _Parsed | None = PrivateAttr(default=None)

    @field_validator("text")
    @classmethod
    def _clean_text(cls, value: str, info: ValidationInfo) -> str:
        return clean_markdown(value, info.context, info.field_name or "text")

    @model_validator(mode="after")
    def _keep_parse(self, info: ValidationInfo) -> Self:
        self._policy = _policy_of(info.context)
        self._parsed = _split(self.text, self.streaming)
        return self

    def parsed(self) -> tuple[list[Token], str]:
        """The tokens to write and the pending (still streaming) text, parsed once."""
        if self._parsed is None:
            self._parsed = _split(_normalize(self.text), self.streaming)
        return self._parsed.tokens, self._parsed.pending

    @property
    def url_policy(self) -> UrlPolicy:
        """The URL policy the props were validated with (the default one if none)."""
        return self._policy or DEFAULT_URL_POLICY


def _attr(token: Token, name: str) -> str:
    value = token.attrs.get(name)
    return "" if value is None else str(value)


def _alt_text(children: Sequence[Token] | None) -> str:
    parts: list[str] = []
    stack = list(reversed(children or ()))
    while stack:
        child = stack.pop()
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            stack.extend(reversed(child.children or ()))
    return "".join(parts)


class _Writer:
    """Writes markdown-it tokens as HTML from a fixed set of elements."""

    def __init__(self, policy: UrlPolicy, heading_base: int, size: int) -> None:
        self.policy = policy
        self.heading_base = heading_base
        self.out: list[str] = []
        self.left = _ATTRIBUTE_FACTOR * size + _ATTRIBUTE_FLOOR
        """Characters of URLs and titles still to be written: a reference used many times
        writes its definition's URL each time, so the text's length bounds the total."""

    def url(self, value: str, context: UrlContext) -> str | None:
        url = check_url(value, context=context, policy=self.policy).url
        if url is None or len(url) > self.left:
            return None
        self.left -= len(url)
        return url

    def title(self, token: Token) -> str:
        title = _attr(token, "title")
        if not title or len(title) > self.left:
            return ""
        self.left -= len(title)
        return f' title="{escape_html(title)}"'

    def inline(self, children: Sequence[Token]) -> None:
        out = self.out
        inert: list[bool] = []
        for child in children:
            kind = child.type
            if kind == "text":
                out.append(escape_html(child.content))
            elif kind == "softbreak":
                out.append("\n")
            elif kind == "hardbreak":
                out.append("<br>\n")
            elif kind == "code_inline":
                out.append(f"<code>{escape_html(child.content)}</code>")
            elif kind in ("em_open", "strong_open", "s_open"):
                out.append(f"<{child.tag}>")
            elif kind in ("em_close", "strong_close", "s_close"):
                out.append(f"</{child.tag}>")
            elif kind == "link_open":
                href = self.url(_attr(child, "href"), "href")
                inert.append(href is None)
                if href is None:
                    out.append('<span class="genui-markdown__inert">')
                    continue
                out.append(f'<a href="{escape_html(href)}"{self.title(child)}{_LINK_TAIL}')
            elif kind == "link_close":
                out.append("</span>" if inert and inert.pop() else "</a>")
            elif kind == "image":
                self.image(child)
            elif kind == "html_inline" and child.content.startswith(
                '<input class="task-list-item-checkbox"'
            ):
                checked = " checked" if 'checked="checked"' in child.content else ""
                out.append(f"{_CHECKBOX}{checked}>")
            else:  # raw HTML is off: anything else is shown as text
                out.append(escape_html(child.content))

    def image(self, token: Token) -> None:
        alt = escape_html(_alt_text(token.children))
        src = self.url(_attr(token, "src"), "img")
        if src is None:
            self.out.append(f'<span class="genui-markdown__inert">{alt}</span>')
            return
        titled = self.title(token)
        self.out.append(f'<img src="{escape_html(src)}" alt="{alt}"{titled} loading="lazy">')

    def block(self, tokens: Sequence[Token]) -> None:
        out = self.out
        skip_from = skip_to = -1
        for index, token in enumerate(tokens):
            kind = token.type
            if skip_from <= index < skip_to:
                continue
            if kind == "tr_open":
                skip_from, skip_to = _empty_tail(tokens, index)
                out.append("<tr>\n")
            elif kind == "inline":
                self.inline(token.children or ())
            elif kind == "paragraph_open" or kind == "paragraph_close":
                if not token.hidden:
                    out.append("<p>" if kind == "paragraph_open" else "</p>\n")
            elif kind == "heading_open" or kind == "heading_close":
                level = min(6, int(token.tag[1:]) + self.heading_base - 1)
                out.append(f"<h{level}>" if kind == "heading_open" else f"</h{level}>\n")
            elif kind == "list_item_open":
                task = "task-list-item" in _attr(token, "class")
                out.append('<li class="genui-markdown__task-item">' if task else "<li>")
            elif kind == "ordered_list_open":
                start = _attr(token, "start")
                out.append(f'<ol start="{int(start)}">\n' if start.isdigit() else "<ol>\n")
            elif kind in ("th_open", "td_open"):
                align = _ALIGN.get(_attr(token, "style"))
                cls = f' class="genui-markdown__{align}"' if align else ""
                out.append(f"<{token.tag}{cls}>")
            elif kind == "hr":
                out.append("<hr>\n")
            elif kind == "code_block" or kind == "fence":
                language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
                usable = is_css_token(f"language-{language}") and language
                cls = f' class="language-{language}"' if usable else ""
                out.append(f"<pre><code{cls}>{escape_html(token.content)}</code></pre>\n")
            elif kind == "table_open":
                out.append('<div class="genui-markdown__table"><table>\n')
            elif kind == "table_close":
                out.append("</table></div>\n")
            elif kind.endswith("_open") and token.tag in _CONTAINERS:
                out.append(f"<{token.tag}>\n" if token.tag in _BLOCK_TAGS else f"<{token.tag}>")
            elif kind.endswith("_close") and token.tag in _CONTAINERS:
                out.append(f"</{token.tag}>\n")
            elif kind in ("html_block", "html_inline"):
                out.append(f"<p>{escape_html(token.content)}</p>\n")
            # "definition" tokens write nothing: their links are resolved already.


def _empty_tail(tokens: Sequence[Token], row: int) -> tuple[int, int]:
    """The token range of the empty body cells that end the table row opened at ``row``.

    markdown-it fills short rows up to the header's width (up to 65,536 cells a table); those
    cells are left out, so the HTML grows with the text, not with the header times the rows.
    """
    end = row
    while end < len(tokens) and tokens[end].type != "tr_close":
        end += 1
    start = end
    while (
        start - 3 > row
        and tokens[start - 3].type == "td_open"
        and not tokens[start - 2].content
        and tokens[start - 1].type == "td_close"
    ):
        start -= 3
    return start, end


_CONTAINERS: Final = frozenset({"blockquote", "ul", "ol", "li", "thead", "tbody", "tr", "th", "td"})
_BLOCK_TAGS: Final = frozenset({"blockquote", "ul", "ol", "thead", "tbody", "tr"})


def write_markdown(props: MarkdownProps, heading_base: int = 2) -> str:
    """The HTML of the Markdown, without the component's container.

    Headings are shifted so that ``#`` is ``<h{heading_base}>`` (never deeper than ``<h6>``).
    """
    tokens, pending = props.parsed()
    writer = _Writer(props.url_policy, heading_base, len(props.text))
    writer.block(tokens)
    if pending:
        writer.out.append(f'<p class="genui-markdown__pending">{escape_html(pending)}</p>\n')
    return "".join(writer.out)


def markdown_plain_text(text: str) -> str:
    """The visible text of Markdown ``text``, one line per block, without markup or URLs.

    Words, code and image descriptions are kept (for summaries, search and model history).
    """
    lines: list[str] = []
    for token in _parse(_normalize(text)):
        if token.type == "inline":
            lines.append(_alt_text(token.children).strip())
        elif token.type in ("code_block", "fence"):
            lines.append(token.content.rstrip("\n"))
    return "\n".join(line for line in lines if line)


def markdown_component(
    name: str = "Markdown", *, heading_base: int = 2, description: str | None = None
) -> Component:
    """A Markdown component named ``name`` whose ``#`` headings are ``<h{heading_base}>``.

    Deeper headings shift too, up to ``<h6>``.
    """
    if not isinstance(heading_base, int) or not 1 <= heading_base <= 6:
        raise ValueError("heading_base must be 1 to 6")

    def write(element: Element[MarkdownProps]) -> str:
        body = write_markdown(element.props, heading_base)
        return f'<div class="{element.css_class}"{element.identity_attrs()}>\n{body}</div>'

    return Component(
        name,
        MarkdownProps,
        "genui/markdown.html",
        writer=write,
        children="none",
        screens_urls=True,
        description=description
        or (
            "Formatted text in Markdown (CommonMark with tables, ~~strikethrough~~ and"
            " - [ ] task lists). Raw HTML is shown as text; links and images must use safe"
            " URLs."
        ),
        example={
            "component": name,
            "props": {
                "text": "## Summary\n\n- **3** orders shipped\n- [Track](https://example.com)"
            },
        },
    )


MARKDOWN: Final[Component] = markdown_component()
"""The ``Markdown`` component, ``#`` headings written as ``<h2>``."""
