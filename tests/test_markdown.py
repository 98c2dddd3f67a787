"""The Markdown component: what it writes, the URL policy, attack corpora, CommonMark, cost.

Static half of the security checks (the browser half is tests/test_markdown_browser.py): every
XSS payload and DOMPurify fixture, raw and inside each kind of Markdown syntax that carries a
URL or verbatim text, rendered from Python data and from JSON text, gives the same bytes and
no violation of docs/security.md's guarantees.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui import (
    GenerativeUIError,
    Renderer,
    SpecStream,
    UrlPolicy,
    default_registry,
    describe,
    validate,
)
from genui.components.markdown import (
    MARKDOWN,
    MarkdownProps,
    clean_markdown,
    markdown_component,
    markdown_plain_text,
)
from genui.sanitize import check_url, validation_context
from tests import examples
from tests.figures import record_figure
from tests.security import elements, local_name, parse, violations
from tests.support import load_corpus

REGISTRY = default_registry().extend(MARKDOWN)
RENDERER = Renderer(registry=REGISTRY, on_invalid_props="drop", fallback="default")
PAYLOADS: list[str] = load_corpus("xss_payloads.json")
FIXTURES: list[str] = [item["payload"] for item in load_corpus("dompurify_fixtures.json")["items"]]
SPEC_EXAMPLES: list[dict[str, Any]] = load_corpus("commonmark_spec_0.31.2.json")

PLACEMENTS: dict[str, Callable[[str], str]] = {
    "raw": lambda p: p,
    "link destination": lambda p: f"[x]({p})",
    "pointy link destination and text": lambda p: f"[{p}](<{p}> 'x')",
    "image source": lambda p: f"![x]({p})",
    "autolink": lambda p: f"<{p}>",
    "reference definition": lambda p: f"[x] and ![y][x]\n\n[x]: {p}\n",
    "code": lambda p: f"`{p}`\n\n```{p}\n{p}\n```\n\n    {p}",
    "table": lambda p: f"| {p} | b |\n|---|:-:|\n| [y]({p}) | ![z]({p}) |",
    "emphasis and heading": lambda p: f"# *{p}*\n\n> **{p}** ~~{p}~~\n\n- [ ] {p}",
}


def _spec(text: str, **props: Any) -> dict[str, Any]:
    return {"root": {"component": "Markdown", "props": {"text": text, **props}}}


def _render(text: str, **props: Any) -> str:
    return str(RENDERER.render(_spec(text, **props)))


def _urls(html: str) -> list[tuple[str, str, str]]:
    """``(element, attribute, value)`` of every URL attribute in ``html``."""
    return [
        (local_name(element.tag), attribute, value)
        for element in elements(parse(html))
        for attribute, value in element.attrib.items()
        if attribute in ("href", "src")
    ]


def _refused(html: str) -> list[tuple[str, str, str]]:
    return [
        (name, attribute, value)
        for name, attribute, value in _urls(html)
        if check_url(value, context="img" if attribute == "src" else "href").url is None
    ]


# -- what it writes ------------------------------------------------------------------------


def test_markdown_writes_a_fixed_set_of_elements() -> None:
    html = _render(
        "# Title\n\n- [ ] todo\n- [x] done\n\n| a | b |\n|:-|-:|\n| 1 | ~~2~~ |\n\n"
        '```python extra\nx < 1\n```\n\n![pic](https://example.com/a.png "T") '
        "[docs](https://example.com 'D') <b>raw</b>\n\n> *quoted*\n\n3. three\n\n---\n"
    )
    assert html.startswith('<div class="genui-markdown" data-genui-path="/root">\n<h2>Title</h2>')
    assert '<input class="genui-markdown__task" type="checkbox" disabled checked>' in html
    assert '<th class="genui-markdown__left">a</th>' in html
    assert "<s>2</s>" in html
    assert '<pre><code class="language-python">x &lt; 1\n</code></pre>' in html
    assert '<img src="https://example.com/a.png" alt="pic" title="T" loading="lazy">' in html
    assert (
        '<a href="https://example.com" title="D" rel="noopener noreferrer nofollow"'
        ' target="_blank">docs</a>'
    ) in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    assert "<blockquote>\n<p><em>quoted</em></p>\n</blockquote>" in html
    assert '<ol start="3">' in html and "<hr>" in html
    tree = parse(html)
    assert violations(tree) == []
    assert not [e for e in elements(tree) if {"id", "style"} & set(e.attrib)]


def test_headings_shift_to_the_base_level_and_stop_at_h6() -> None:
    component = markdown_component("Notes", heading_base=4)
    renderer = Renderer(registry=default_registry().extend(component))
    html = str(renderer.render({"root": {"component": "Notes", "props": {"text": "# a\n### b"}}}))
    assert "<h4>a</h4>" in html and "<h6>b</h6>" in html
    assert html.startswith('<div class="genui-notes"')
    with pytest.raises(ValueError, match="heading_base"):
        markdown_component(heading_base=7)


@pytest.mark.parametrize("info", ["py x", "c++", 'a"b', "<x>", "java script"])
def test_a_fence_info_string_is_a_class_only_when_it_is_a_css_token(info: str) -> None:
    html = _render(f"```{info}\ncode\n```")
    word = info.split()[0]
    if word.replace("_", "").replace("-", "").isalnum():
        assert f'<code class="language-{word}">' in html
    else:
        assert "<pre><code>code" in html
    assert violations(html) == []


def test_plain_text_is_the_visible_text() -> None:
    text = "# Hi *there*\n\n- [link](https://x.example) and ![an image](y.png)\n\n```\ncode\n```"
    assert markdown_plain_text(text) == "Hi there\nlink and an image\ncode"


def test_importing_without_markdown_it_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['markdown_it'] = None\n"
        "try:\n    import genui.components.markdown\n"
        "except ImportError as error:\n    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'genui[markdown]'" in result.stdout


# -- the URL policy ------------------------------------------------------------------------

HOSTILE = (
    "Intro [bad](javascript:alert(1)) and [good](https://example.com).\n\n"
    "![img](vbscript:x) <javascript:alert(2)>\n\n"
    "[ref] again\n\n[ref]: data:text/html,<script>alert(3)</script>\n"
)


def test_refused_urls_are_reported_as_the_text_prop_and_cleaned_from_the_text() -> None:
    result = validate(_spec(HOSTILE), registry=REGISTRY)
    events = [(e.path, e.prop, e.reason) for e in result.report]
    assert len(events) == 4 and {(path, prop) for path, prop, _ in events} == {("/root", "text")}
    assert {e.code for e in result.errors} == {"unsafe_url"}
    assert result.spec is not None
    props = result.props_model(result.spec.root)  # type: ignore[arg-type]
    assert isinstance(props, MarkdownProps)
    for word in ("javascript", "vbscript", "data:"):
        assert word not in props.text
    assert "[good](https://example.com)" not in props.text  # its paragraph is escaped
    again = validate(_spec(props.text), registry=REGISTRY)
    assert again.ok and not list(again.report)


def test_the_clean_spec_delivers_the_cleaned_text() -> None:
    result = validate(_spec(HOSTILE), registry=REGISTRY)
    assert result.spec is not None
    delivered = str(result.spec.root.props["text"])  # type: ignore[union-attr]
    assert "Intro" in delivered and "good" in delivered and "again" in delivered
    for refused in ("javascript:", "vbscript:", "data:"):
        assert refused not in delivered
    again = validate(_spec(delivered), registry=REGISTRY)  # what a client renderer gets
    assert again.ok and len(again.report) == 0


def test_refused_links_render_as_their_text() -> None:
    html = _render(HOSTILE)
    assert _refused(html) == []
    assert "bad" in html and "img" in html and "ref" in html
    assert violations(html) == []


def test_a_strict_context_refuses_the_text() -> None:
    with pytest.raises(ValueError, match="unsafe_url"):
        MarkdownProps.model_validate(
            {"text": "[a](javascript:x)"}, context=validation_context(strict=True)
        )


def test_the_policy_of_the_render_applies_to_every_url() -> None:
    policy = UrlPolicy(
        link_hosts=frozenset({"example.com"}), image_hosts=frozenset({"example.com"})
    )
    renderer = Renderer(registry=REGISTRY, url_policy=policy)
    text = (
        "[in](https://example.com/a)\n\n[out](https://evil.example/b) ![i](https://evil.example/c)"
    )
    html = str(renderer.render(_spec(text)))
    assert [value for _, _, value in _urls(html)] == ["https://example.com/a"]


def test_cleaning_converges_or_escapes_everything() -> None:
    # Each pass removes what it found; whatever is left is plain text either way.
    for text in [HOSTILE, "[a](javascript:x)" * 50, "\\" * 10 + "[a](javascript:x)"]:
        cleaned = clean_markdown(text, {})
        assert clean_markdown(cleaned, {}) == cleaned
        assert _refused(_render(cleaned)) == []


# -- attack corpora ------------------------------------------------------------------------


TEXT_FORM_STRIDE = {"XSS corpus": 3, "DOMPurify fixtures": 1}
"""Every item is rendered from Python data; every item (XSS: every third, for time) also from
its JSON text, which must give the very same bytes."""


def _corpus_fragments(items: list[str], stride: int) -> list[str]:
    """Every item in every placement (one spec per item, a Markdown node per placement)."""
    fragments = []
    for index, item in enumerate(items):
        spec = {
            "root": [
                {"component": "Markdown", "props": {"text": place(item)}}
                for place in PLACEMENTS.values()
            ]
        }
        html = str(RENDERER.render(spec))
        if index % stride == 0:
            assert str(RENDERER.render(json.dumps(spec))) == html
        fragments.append(html)
    return fragments


@pytest.mark.parametrize(
    ("name", "items"), [("XSS corpus", PAYLOADS), ("DOMPurify fixtures", FIXTURES)]
)
def test_attack_corpora_through_markdown_text_give_no_violation(
    name: str, items: list[str]
) -> None:
    fragments = _corpus_fragments(items, TEXT_FORM_STRIDE[name])
    found = [(i, v) for i, html in enumerate(fragments) for v in violations(html)]
    count = len(items) * len(PLACEMENTS)
    record_figure(f"markdown: {name} in {len(PLACEMENTS)} placements", f"{len(found)}/{count}")
    assert found == []


def test_nh3_with_a_strict_allowlist_removes_nothing_security_relevant() -> None:
    # A second opinion: a maintained sanitizer, allowed only the elements and attributes the
    # Markdown writer uses, keeps every URL attribute and element genui wrote.
    tags = {"div", "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre"}
    tags |= {"code", "em", "strong", "s", "a", "img", "span", "br", "hr", "input"}
    tags |= {"table", "thead", "tbody", "tr", "th", "td"}
    attributes = {
        "*": {"class", "data-genui-path"},
        "a": {"href", "title", "target"},
        "img": {"src", "alt", "title", "loading"},
        "input": {"type", "disabled", "checked"},
        "ol": {"start"},
    }
    for item in PAYLOADS[::5] + FIXTURES:
        html = _render(PLACEMENTS["reference definition"](item) + "\n\n" + item)
        second = nh3.clean(
            html,
            tags=tags,
            attributes=attributes,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer nofollow",
        )
        ours = sorted((name, attribute) for name, attribute, _ in _urls(html))
        theirs = sorted((name, attribute) for name, attribute, _ in _urls(second))
        assert theirs == ours, item
        kinds = sorted(local_name(e.tag) for e in elements(parse(html)))
        assert sorted(local_name(e.tag) for e in elements(parse(second))) == kinds, item


# -- CommonMark's own examples -------------------------------------------------------------


def test_every_commonmark_spec_example_renders_safely() -> None:
    rendered = 0
    for example in SPEC_EXAMPLES:
        for streaming in (False, True):
            try:
                html = _render(example["markdown"], streaming=streaming)
            except GenerativeUIError:  # genui's own typed errors only
                continue
            tree = parse(html)
            assert violations(tree) == [], example["example"]
            assert not [e for e in elements(tree) if e.get("id") is not None]
            rendered += 1
    record_figure("markdown: CommonMark 0.31.2 examples rendered", f"{rendered // 2}")
    assert rendered == 2 * len(SPEC_EXAMPLES) == 2 * 652


# -- cost ----------------------------------------------------------------------------------

PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "nested quotes": lambda n: ">" * n + " x",
    "nested lists": lambda n: "- " * n + "x\n" + "  " * 10 + "- y\n",
    "emphasis runs": lambda n: "*a " * n + "_b " * n,
    "open brackets": lambda n: "[" * n + "a" + "](b)" * (n // 2),
    "image brackets": lambda n: "![" * n + "a",
    "backticks": lambda n: "".join("`" * (i % 64 + 1) + "x" for i in range(n)),
    "refused links": lambda n: "[a](javascript:x) " * n,
    "reference definitions": lambda n: "".join(f"[r{i}]: javascript:{i}\n" for i in range(n)),
    "long table": lambda n: "| a | b |\n|---|---|\n" + "| x | [y](z) |\n" * n,
    "wide table": lambda n: "|" + "a|" * n + "\n|" + "-|" * n + "\n" + "|\n" * 8,
    "entities": lambda n: "&amp;&#x1F600;&quot;" * n,
    "reference uses": lambda n: "[a] " * n + "\n\n[a]: b",
    "long reference": lambda n: "![a] " * n + "\n\n[a]: https://example.com/" + "x" * 4000,
}
OUTPUT_FACTOR = 18
"""docs/markdown.md: the HTML is at most 18 characters per character of ``text`` (plus a
constant). The worst is a short reference used again and again (``[a] `` is 4 characters,
its link 68)."""


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_cost_is_linear_in_the_text(name: str) -> None:
    make = PATHOLOGICAL[name]
    sizes = [500, 1_000, 2_000]
    outputs = []
    for size in sizes:
        text = make(size)
        html = _render(text)
        outputs.append(len(html))
        assert len(html) <= OUTPUT_FACTOR * len(text) + 200, (size, len(html) / len(text))
        assert len(_render(text, streaming=True)) <= OUTPUT_FACTOR * len(text) + 200
    growth = [later / earlier for earlier, later in itertools.pairwise(outputs)]
    record_figure(
        f"markdown cost: {name}",
        f"x{max(growth):.2f} per doubling, {outputs[-1] / len(make(sizes[-1])):.2f} chars/char",
    )
    assert max(growth) <= 2.3, growth


# -- streaming -----------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "word ",
        "**bold** ",
        "*",
        "_",
        "`code`",
        "```",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "!",
        ":",
        "\n",
        "\n\n",
        "# ",
        "- ",
        "1. ",
        "> ",
        "| a | b |\n|---|---|\n",
        "[x](https://ok.example/a)",
        "[x](javascript:alert(1))",
        "![i](vbscript:msgbox)",
        "<javascript:alert(2)>",
        "[r]: data:text/html,x\n",
        "[r]",
        "java",
        "script:",
        "https://ok.example",
        "    indented\n",
        "&#106;avascript:x",
    ]
)
MARKDOWN_TEXT = st.lists(FRAGMENTS, max_size=24).map("".join)


def _chunks(text: str, cuts: list[int]) -> list[str]:
    """The growing prefixes of ``text`` cut at ``cuts``, ending with the whole text."""
    points = sorted({c % (len(text) + 1) for c in cuts} | {len(text)})
    return [text[:point] for point in points]


@settings(max_examples=examples(150))
@given(text=MARKDOWN_TEXT, cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_no_prefix_ever_has_a_refused_url_and_the_end_is_a_render_at_once(
    text: str, cuts: list[int]
) -> None:
    for prefix in _chunks(text, cuts):
        html = _render(prefix, streaming=True)
        assert _refused(html) == [], prefix
        assert violations(html) == []
    assert _render(text, streaming=False) == _render(text)


def test_a_half_streamed_link_is_never_a_link() -> None:
    for end in range(1, len("Intro\n\n[link](javascript:alert(1))") + 1):
        text = "Intro\n\n[link](javascript:alert(1))"[:end]
        html = _render(text, streaming=True)
        assert _urls(html) == []
    html = _render("Done.\n\n[link](https://example.com/pa", streaming=True)
    assert _urls(html) == []
    assert '<p class="genui-markdown__pending">[link](https://example.com/pa</p>' in html


def test_a_pending_reference_definition_does_not_apply() -> None:
    html = _render("see [r]\n\n[r]: https://example.com/x", streaming=True)
    assert _urls(html) == []
    assert "<p>see [r]</p>" in html
    assert _urls(_render("see [r]\n\n[r]: https://example.com/x")) != []


@settings(max_examples=examples(40))
@given(text=MARKDOWN_TEXT, cuts=st.lists(st.integers(0, 10_000), max_size=8))
def test_a_patch_stream_of_growing_text_ends_as_a_render_at_once(
    text: str, cuts: list[int]
) -> None:
    stream = SpecStream(renderer=RENDERER)
    stream.apply([{"op": "add", "path": "/root", "value": _spec("", streaming=True)["root"]}])
    for prefix in _chunks(text, cuts):
        stream.apply([{"op": "replace", "path": "/root/props/text", "value": prefix}])
        assert _refused(str(stream.html())) == []
    stream.apply([{"op": "replace", "path": "/root/props/streaming", "value": False}])
    assert str(stream.html()) == str(RENDERER.render(_spec(text, streaming=False)))


def test_describe_gives_the_clean_source_line_by_line_within_its_budget() -> None:
    text = "# Title\n\nSee [docs](https://example.com/a) and [x](javascript:alert(1)).\n"
    description = describe(_spec(text), registry=REGISTRY)
    assert description.splitlines()[0] == "# Title"
    assert "docs" in description and "javascript:" not in description
    long = "\n".join(f"line {index}" for index in range(100))
    lines = describe(_spec(long), registry=REGISTRY, max_rows=5).splitlines()
    assert lines == ["line 0", "line 1", "line 2", "line 3", "line 4", "… 95 more lines"]


def test_a_refused_url_in_text_is_reported_on_its_own_node_from_data_and_from_json_text() -> None:
    spec = {
        "root": [
            {"component": "Image", "props": {"image": "https://example.com/a.png", "alt": "a"}},
            _spec("[x](javascript:alert(1)) after")["root"],
            {"component": "Link", "props": {"href": "javascript:alert(2)", "text": "y"}},
        ]
    }
    results = [validate(form, registry=REGISTRY) for form in (spec, json.dumps(spec))]
    for result in results:
        assert [(e.path, e.code) for e in result.errors] == [
            ("/root/1/props/text", "unsafe_url"),
            ("/root/2/props/href", "unsafe_url"),
        ]
        assert result.spec is not None
    first, second = (r.spec.model_dump(mode="json") for r in results if r.spec is not None)
    assert first == second
