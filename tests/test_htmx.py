"""genui.htmx: SSE events that htmx's SSE extension applies, checked against models of both.

:class:`HtmxPage` is a Python stand-in for htmx 2 applying an event's data (the parts of
``htmx.js`` the adapter relies on: ``oobSwap``, ``querySelectorAllExt``, the swap styles),
with a CSS selector reader written from CSS Syntax 3 rather than from the adapter's escaper.
:func:`read_sse` reads event streams as the HTML standard's ``EventSource`` does. Streams
are compared with :class:`tests.dom.Container`, the model of genui.js.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any, NamedTuple

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from genui import GenerativeUIError, GenerativeUIPatchError, SpecStream, Update
from genui.htmltext import escape_html, replace_invalid_characters
from genui.htmx import (
    END_EVENT,
    ERROR_EVENT,
    HTMX_OPS,
    UPDATE_EVENT,
    HtmxContainer,
    UnsupportedOpError,
    attribute_selector,
)
from genui.render import render
from genui.runs import StreamRun
from genui.sse import ERROR_TITLE, end_event, error_event, sse_event
from genui.stream import ALL_OPS, UpdateOp
from genui.testing import specs
from tests.dom import Container, normalized
from tests.strategies import hostile_text
from tests.test_stream import _node_patches

# --- what the browser does -------------------------------------------------------------


class Event(NamedTuple):
    """One dispatched SSE event."""

    id: str
    type: str
    data: str


def read_sse(text: str) -> list[Event]:
    """The events an ``EventSource`` dispatches for ``text`` (HTML's event stream rules)."""
    events: list[Event] = []
    last_id, event_type, data = "", "", ""
    for line in re.split(r"\r\n|\r|\n", text):
        if not line:
            if data:
                events.append(Event(last_id, event_type or "message", data.removesuffix("\n")))
            event_type, data = "", ""
            continue
        if line.startswith(":"):
            continue
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data += value + "\n"
        elif name == "event":
            event_type = value
        elif name == "id" and "\0" not in value:
            last_id = value
    return events


_HEX = "0123456789abcdefABCDEF"


def _css_string(selector: str, start: int) -> tuple[str, int]:
    """The value of the CSS string opening at ``selector[start]`` and the index after it.

    CSS Syntax 3, "consume a string token": escapes are a backslash and a character, or a
    backslash, 1 to 6 hex digits and one optional whitespace; a raw line break is an error.
    """
    quote = selector[start]
    assert quote in "\"'"
    out: list[str] = []
    index = start + 1
    while True:
        assert index < len(selector), "unterminated string"
        char = selector[index]
        if char == quote:
            return "".join(out), index + 1
        assert char not in "\n\r\f", "a line break in a CSS string"
        if char != "\\":
            out.append(char)
            index += 1
            continue
        index += 1
        assert index < len(selector)
        if selector[index] not in _HEX:
            out.append(selector[index])
            index += 1
            continue
        end = index
        while end < len(selector) and end - index < 6 and selector[end] in _HEX:
            end += 1
        code = int(selector[index:end], 16)
        surrogate = 0xD800 <= code <= 0xDFFF
        out.append("\ufffd" if code == 0 or surrogate or code > 0x10FFFF else chr(code))
        index = end + 1 if end < len(selector) and selector[end] in " \t\n" else end


Compound = tuple[str, str | None]
"""``[name]`` (``None``) or ``[name="value"]``, or ``(":nth-child", "N")``."""
Step = tuple[str, Compound]
"""A combinator (``""`` for the first compound, ``" "`` descendant, ``">"`` child) and a
compound."""
NTH_CHILD = ":nth-child"


def parse_selector(selector: str) -> list[Step]:
    """Attribute selectors and ``:nth-child(N)`` joined by `` `` or `` > ``; nothing else.

    Also what htmx's ``querySelectorAllExt`` needs to pass a selector on untouched: no
    comma (it splits on them), no ``<`` (it reads ``<…/>``), no leading keyword.
    """
    assert selector.isascii() and selector.startswith("["), selector
    assert "," not in selector and "<" not in selector, selector
    steps: list[Step] = []
    combinator = ""
    index = 0
    while True:
        nth = re.match(r":nth-child\(([1-9][0-9]*)\)", selector[index:])
        if nth is not None:
            assert combinator == ">", selector  # only ever a child of the step before
            steps.append((combinator, (NTH_CHILD, nth.group(1))))
            index += nth.end()
        else:
            assert selector[index] == "[", selector
            name = re.match(r"[a-z][a-z0-9-]*", selector[index + 1 :])
            assert name is not None, selector
            index += 1 + name.end()
            value = None
            if selector[index] == "=":
                value, index = _css_string(selector, index + 1)
            assert selector[index] == "]", selector
            steps.append((combinator, (name.group(), value)))
            index += 1
        if index == len(selector):
            return steps
        if selector.startswith(" > ", index):
            combinator, index = ">", index + 3
        else:
            assert selector[index] == " ", selector
            combinator, index = " ", index + 1


def _is_element(node: Any) -> bool:
    return node is not None and node.nodeType == node.ELEMENT_NODE


def _matches(element: Any, compound: Compound) -> bool:
    name, value = compound
    if name == NTH_CHILD:  # counts element children only, as CSS does
        siblings = [c for c in element.parentNode.childNodes if _is_element(c)]
        return siblings.index(element) + 1 == int(str(value))
    if not element.hasAttribute(name):
        return False
    return value is None or element.getAttribute(name) == value


def _matches_steps(element: Any, steps: list[Step]) -> bool:
    """Whether ``element`` matches the last step and its ancestors the steps before."""
    combinator, compound = steps[-1]
    if not _matches(element, compound):
        return False
    if not combinator:
        return True
    ancestor = element.parentNode
    if combinator == ">":
        return _is_element(ancestor) and _matches_steps(ancestor, steps[:-1])
    while _is_element(ancestor):
        if _matches_steps(ancestor, steps[:-1]):
            return True
        ancestor = ancestor.parentNode
    return False


def _elements(node: Any) -> list[Any]:
    found = []
    for child in node.childNodes:
        if child.nodeType == child.ELEMENT_NODE:
            found.append(child)
            found.extend(_elements(child))
    return found


def select(document: Any, selector: str) -> list[Any]:
    """``document.querySelectorAll(selector)`` for the selectors :func:`parse_selector` reads."""
    steps = parse_selector(selector)
    return [element for element in _elements(document) if _matches_steps(element, steps)]


class HtmxPage(Container):
    """A page with an :class:`~genui.htmx.HtmxContainer`'s element, updated as htmx does."""

    def __init__(self, container: HtmxContainer, html: str = "") -> None:
        super().__init__(html)
        (element,) = self._fragment(container.markup("/stream"))
        self.root.setAttribute("id", element.getAttribute("id"))  # as the browser reads it
        self.swaps: list[tuple[str, str]] = []

    def swap(self, data: str) -> None:
        """What htmx does with the data of an event swapped with ``hx-swap="none"``."""
        nodes = self._fragment(data)
        for wrapper in nodes:  # every top-level node is an out-of-band swap: nothing is lost
            assert wrapper.nodeType == wrapper.ELEMENT_NODE, data
            assert wrapper.hasAttribute("hx-swap-oob"), data
            style, colon, selector = wrapper.getAttribute("hx-swap-oob").partition(":")
            assert colon, data
            self.swaps.append((style, selector))
            for target in select(self.document, selector):
                self._swap_one(style, target, wrapper)

    def _swap_one(self, style: str, target: Any, wrapper: Any) -> None:
        content = [self.document.importNode(node, True) for node in wrapper.childNodes]
        parent = target.parentNode
        if style == "delete":
            parent.removeChild(target)
            return
        if style == "innerHTML":
            for child in list(target.childNodes):
                target.removeChild(child)
        anchor = {
            "beforeend": None,
            "innerHTML": None,
            "afterend": target.nextSibling,
            "beforebegin": target,
        }[style]
        into = target if style in ("beforeend", "innerHTML") else parent
        for node in content:
            into.insertBefore(node, anchor)

    def receive(self, text: str) -> list[Event]:
        """Swap the events of ``text`` that the container listens for; return them all."""
        events = read_sse(text)
        for event in events:
            if event.type in (UPDATE_EVENT, ERROR_EVENT):
                self.swap(event.data)
        return events


def assert_same_dom(left: str, right: str) -> None:
    assert normalized(left) == normalized(right)


def update(op: UpdateOp, target: str, html: str) -> Update:
    """An update of ``html`` written by hand."""
    return Update(op, target, Markup(html))


def dom_value(text: str) -> str:
    """What an attribute genui writes as ``text`` holds in the DOM."""
    return re.sub(r"\r\n|\r", "\n", replace_invalid_characters(text))


# --- framing -------------------------------------------------------------------------------


def test_each_line_of_the_html_is_its_own_data_field_and_reads_back() -> None:
    html = " lead\nsecond\r\nthird\rfourth\n\n: not a comment\ndata: x\u2028\x0cend\r"
    text = HtmxContainer().event([update("append", "", html)], 7)
    assert "\r" not in text
    assert all(
        line.startswith(("id: ", "event: ", "data: ")) for line in text.rstrip("\n").split("\n")
    )
    (event,) = read_sse(text)
    assert (event.id, event.type) == ("7", UPDATE_EVENT)
    expected = re.sub(r"\r\n|\r", "\n", html)  # what an HTML parser reads anyway
    assert event.data == HtmxContainer()._swaps("append", "", expected)


def test_a_batch_is_one_event_whose_swaps_come_in_update_order() -> None:
    container = HtmxContainer("c")
    updates = [
        update("reset", "", "<p>a</p>"),
        update("append", "", "<p>b</p>"),
    ]
    (event,) = read_sse(container.event(updates, 2))
    page = HtmxPage(container)
    page.swap(event.data)
    assert [style for style, _ in page.swaps] == ["innerHTML", "beforeend"]
    assert_same_dom(page.html(), "<p>a</p><p>b</p>")


# --- every op --------------------------------------------------------------------------

START = '<ul data-genui-path="/root/0"><li data-genui-path="/root/0/children/0">one</li></ul>'


@pytest.mark.parametrize(
    "update",
    [
        update("append", "", '<p data-genui-path="/root/1">new</p>'),
        update("reset", "", '<p data-genui-path="/root/0">all new</p>'),
        update(
            "after",
            "/root/0/children/0",
            '<li data-genui-path="/root/0/children/1">two</li>'
            '<li data-genui-path="/root/0/children/2">three</li>',
        ),
        update(
            "replace",
            "/root/0/children/0",
            '<li data-genui-path="/root/0/children/0">changed</li>',
        ),
        update("replace", "/root/0", "text <b>and</b> <i>two</i> elements"),
        update("replace", "/root/9", "<p>nowhere</p>"),
        update("insert", "/root/0", '<li data-genui-path="/root/0/children/1">two</li>'),
        Update("insert", "/root/0", Markup(" and <b>more</b>"), "0"),
        update("remove", "/root/0/children/0", ""),
        update("remove", "/root/0", ""),
        update("insert", "/root/9", "<p>nowhere</p>"),
        update("remove", "/root/9", ""),
    ],
    ids=lambda update: f"{update.op}:{update.target}:{update.at}",
)
def test_every_op_does_what_genui_js_does(update: Update) -> None:
    container = HtmxContainer("answer")
    page, model = HtmxPage(container, START), Container(START)
    page.receive(container.event([update], 3))
    if update.target != "/root/9":  # genui.js asserts in the model; both leave it alone
        model.apply(update)
    assert_same_dom(page.html(), model.html())
    assert "data-genui-mark" not in page.html()


def test_a_replace_uses_its_marker_once_and_deletes_it() -> None:
    container = HtmxContainer("c")
    swaps = container._swaps("replace", "/root/0", "<p>x</p>")
    page = HtmxPage(container, START)
    page.swap(swaps)
    assert [style for style, _ in page.swaps] == ["afterend", "delete", "beforebegin", "delete"]
    assert_same_dom(page.html(), "<p>x</p>")


def test_an_unknown_op_is_refused() -> None:
    with pytest.raises(UnsupportedOpError, match="not an update op") as raised:
        HtmxContainer().event([Update("move", "/root/0", Markup())], 1)  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError) and raised.value.op == "move"


SLOTS = (
    '<section data-genui-path="/root/0">lead <h3>title</h3> text'
    '<div class="body">leaf <!-- c --><p data-genui-path="/root/0/children/1">x</p>'
    ' <p data-genui-path="/root/0/children/2">y <b>z</b></p></div></section>'
)
"""Slots among text and comment nodes: only element children are counted."""


@pytest.mark.parametrize("at", ["", "0", "1", "1.0", "1.1", "1.1.0", "01", "1.1.0.0", "2", "9"])
def test_an_insert_goes_into_the_slot_genui_js_finds(at: str) -> None:
    container = HtmxContainer("c")
    each = Update("insert", "/root/0", Markup('<i data-genui-path="new">new</i> tail'), at)
    page, model = HtmxPage(container, SLOTS), Container(SLOTS)
    page.receive(container.event([each], 2))
    parts = [int(index) for index in at.split(".")] if at else []
    element = model._find(model.root, "/root/0")
    for index in parts:  # genui.js's slotOf: element.children[index], or no slot at all
        kids = [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE] if element else []
        element = kids[index] if index < len(kids) else None
    if element is not None:
        model.apply(each)
    assert_same_dom(page.html(), model.html())
    assert (page.html().count("new</i>") == 1) == (element is not None)
    style, selector = page.swaps[0]
    assert style == "beforeend"
    assert selector.count(":nth-child(") == len(parts)
    assert [int(n) for n in re.findall(r":nth-child\((\d+)\)", selector)] == [
        index + 1 for index in parts
    ]


def test_a_remove_deletes_only_its_element_and_leaves_text_around_it() -> None:
    container = HtmxContainer("c")
    page, model = HtmxPage(container, SLOTS), Container(SLOTS)
    each = update("remove", "/root/0/children/1", "")
    page.receive(container.event([each], 2))
    model.apply(each)
    assert page.swaps == [("delete", container._target("/root/0/children/1"))]
    assert_same_dom(page.html(), model.html())
    assert "leaf" in page.html() and "children/2" in page.html()


@pytest.mark.parametrize(
    "at", ["0,1", "1 > *", "-1", "a", "1..2", ".1", "1.", " 1", "1 ", "\u0661", "0)", "1e2", "0x1"]
)
def test_an_insert_s_slot_must_be_element_child_indices(at: str) -> None:
    container = HtmxContainer("c")
    with pytest.raises(ValueError, match="not a children slot"):
        container.event([Update("insert", "/root/0", Markup("<b>x</b>"), at)], 1)
    frame = sse_event([Update("insert", "/root/0", Markup("<b>x</b>"), at)], 1)
    with pytest.raises(ValueError, match="not a children slot"):
        container.convert(frame)


def test_a_converted_insert_reads_its_slot_and_one_without_at_fills_the_target() -> None:
    container = HtmxContainer("c")
    updates = [
        Update("insert", "/root/0", Markup("<b>x</b>"), "1.0"),
        update("remove", "/root/0/children/1", ""),
    ]
    assert container.convert(sse_event(updates, 4)) == container.event(updates, 4)
    item = {"op": "insert", "target": "/root/0", "html": "<b>y</b>"}  # no "at"
    frame = f"id: 5\nevent: genui\ndata: {json.dumps({'version': 5, 'updates': [item]})}\n\n"
    (event,) = read_sse(container.convert(frame))
    page = HtmxPage(container)
    page.swap(event.data)
    assert page.swaps == [("beforeend", container._target("/root/0"))]


def test_htmx_applies_every_op_but_shell() -> None:
    assert ALL_OPS - {"shell"} == HTMX_OPS
    assert SpecStream(ops=HTMX_OPS).ops == HTMX_OPS  # a stream accepts them as they are


def test_a_shell_is_refused_with_a_typed_error_that_says_what_to_do() -> None:
    container = HtmxContainer("c")
    shell = Update("shell", "/root/0", Markup('<section data-genui-path="/root/0"></section>'))
    with pytest.raises(UnsupportedOpError, match="HTMX_OPS") as raised:
        container.event([update("append", "", "<p>a</p>"), shell], 2)
    assert raised.value.op == "shell"
    with pytest.raises(UnsupportedOpError, match="shell"):
        container.convert(sse_event([shell], 2))
    stream = SpecStream(ops=ALL_OPS)
    stream.feed('{"root": "hello"}')
    with pytest.raises(UnsupportedOpError, match="HTMX_OPS"):
        next(container.resume_events(stream, None))  # before anything is sent
    ok = SpecStream(ops=HTMX_OPS)
    ok.feed('{"root": "hello"}')
    assert "hello" in "".join(container.resume_events(ok, None))


# --- hostile paths and ids ----------------------------------------------------------------

HOSTILE = [
    '/root/0"]',
    "/root/0'] , *",
    '"] *, [x="',
    "a\\",
    '\\\\"',
    "back\\22 slash",
    "new\nline",
    "cr\ronly",
    "crlf\r\nline",
    "</script><script>alert(1)</script>",
    "<hx-partial>",
    "/>",
    "global body",
    "closest div",
    "#id.class:hover",
    "outerHTML:body",
    "a,b",
    " lead and trail ",
    "\t\x0c",
    "nul\x00char",
    "\x07bell",
    "\ufffe\ud800",
    "\u2028\u2029",
    "émoji 😀 \U0010ffff",
    "123",
    "-1",
    "&amp;&lt;",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_selector_reads_back_as_the_value_the_dom_holds(value: str) -> None:
    selector = attribute_selector("data-genui-path", value)
    ((combinator, (name, read)),) = parse_selector(selector)
    assert combinator == ""
    (element,) = Container._fragment(f'<p data-genui-path="{escape_html(value)}"></p>')
    assert name == "data-genui-path"
    assert read == element.getAttribute("data-genui-path")
    assert re.fullmatch(r'\[data-genui-path="[A-Za-z0-9_\\ -]*"\]', selector)


def test_only_lowercase_attribute_names_are_accepted() -> None:
    for name in ("", "A", "x]", 'a="b', "1a", "a b"):
        with pytest.raises(ValueError, match="attribute name"):
            attribute_selector(name, "v")


def _hostile_page(container: HtmxContainer) -> str:
    """One element per hostile path, each between decoys that differ by one character."""
    parts = []
    for index, value in enumerate(HOSTILE):
        for decoy in (value + "x", "x" + value, value[:-1]):
            if decoy not in HOSTILE:
                parts.append(f'<p data-genui-path="{escape_html(decoy)}">decoy</p>')
        parts.append(f'<p data-genui-path="{escape_html(value)}">old {index}</p>')
    return "".join(parts)


@pytest.mark.parametrize("element_id", ["genui", *HOSTILE[:12]])
def test_hostile_paths_and_ids_reach_exactly_their_element(element_id: str) -> None:
    container = HtmxContainer(element_id)
    start = _hostile_page(container)
    page, model = HtmxPage(container, start), Container(start)
    updates: list[Update] = []
    for index, value in enumerate(HOSTILE):
        html = escape_html(value)
        updates.append(update("replace", value, f'<p data-genui-path="{html}">new {index}</p>'))
        after = f'<i data-genui-path="after {index}">after {index}</i>'  # (the model reads
        updates.append(update("after", value, after))  # a missing attribute as "")
    page.receive(container.event(updates, 2))
    for each in updates:  # genui.js's model finds the target by the value the DOM holds
        model.apply(each._replace(target=dom_value(each.target)))
    assert_same_dom(page.html(), model.html())
    assert page.html().count("decoy") == start.count("decoy")


@pytest.mark.parametrize("element_id", ["genui", *HOSTILE[:12]])
def test_inserts_and_removes_at_hostile_paths_reach_exactly_their_element(
    element_id: str,
) -> None:
    container = HtmxContainer(element_id)
    start = _hostile_page(container) + "".join(
        f'<div data-genui-path="{escape_html(value + "!")}">lead <b data-genui-path="b">slot</b>'
        " end</div>"
        for value in HOSTILE
    )
    page, model = HtmxPage(container, start), Container(start)
    updates: list[Update] = []
    for index, value in enumerate(HOSTILE):
        updates.append(Update("insert", value, Markup(f'<i data-genui-path="i{index}">in</i>')))
        updates.append(
            Update("insert", value + "!", Markup(f'<i data-genui-path="s{index}">slot</i>'), "0")
        )
        updates.append(Update("remove", value + "!" if index % 2 else value, Markup()))
    page.receive(container.event(updates, 2))
    for each in updates:
        model.apply(each._replace(target=dom_value(each.target)))
    assert_same_dom(page.html(), model.html())
    assert page.html().count("decoy") == start.count("decoy")


def test_the_swap_attributes_are_escaped_and_hold_nothing_but_the_swaps() -> None:
    container = HtmxContainer('x"><script>alert(1)</script>')
    updates = [update("replace", path, "<b>ok</b>") for path in HOSTILE]
    updates += [update("after", path, "<b>ok</b>") for path in HOSTILE]
    (event,) = read_sse(container.event(updates, 1))
    fragment = html5lib.parseFragment(event.data, treebuilder="dom", namespaceHTMLElements=False)
    wrappers = list(fragment.childNodes)
    assert len(wrappers) == 5 * len(HOSTILE)  # four per replace, one per after
    assert all(wrapper.tagName == "div" for wrapper in wrappers)
    assert all(wrapper.attributes.length == 1 for wrapper in wrappers)
    for wrapper in wrappers:
        _, _, selector = wrapper.getAttribute("hx-swap-oob").partition(":")
        parse_selector(selector)
    assert "<script" not in event.data and "<hx-" not in event.data


# --- the container ----------------------------------------------------------------------


def test_the_container_markup_connects_listens_and_closes_escaped() -> None:
    container = HtmxContainer('a"b<c>')
    markup = container.markup('/stream?run="1"&x=<y>', class_name='k" onload="x')
    (element,) = html5lib.parseFragment(
        str(markup), treebuilder="dom", namespaceHTMLElements=False
    ).childNodes
    attributes = dict(element.attributes.items())
    assert attributes == {
        "id": 'a"b<c>',
        "class": 'k" onload="x',
        "hx-ext": "sse",
        "sse-connect": '/stream?run="1"&x=<y>',
        "sse-swap": f"{UPDATE_EVENT},{ERROR_EVENT}",
        "sse-close": END_EVENT,
        "hx-swap": "none",
    }
    assert not element.childNodes


# --- errors and the end ---------------------------------------------------------------


def test_an_error_shows_genui_s_alert_then_ends_with_the_same_id() -> None:
    container = HtmxContainer("c")
    page = HtmxPage(container, START)
    events = page.receive(container.error_event("boom <script>alert(1)</script>", 4))
    assert [(e.type, e.id) for e in events] == [(ERROR_EVENT, "4"), (END_EVENT, "4")]
    alert = page.html().removeprefix(normalized(START))
    assert ERROR_TITLE in alert and 'role="alert"' in alert
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alert and "<script" not in alert


def test_an_error_slot_gets_the_alert_instead_of_the_container() -> None:
    container = HtmxContainer("c", error_slot='slot"]')
    page = HtmxPage(container, START)
    slot = page.document.createElement("aside")
    slot.setAttribute("id", 'slot"]')
    slot.appendChild(page.document.createTextNode("placeholder"))
    page.root.appendChild(slot)  # (anywhere in the page; here inside, to reuse the model)
    error = GenerativeUIError("bad <node>", code="x")
    page.receive(container.error_event(error, 2))
    shown = slot.toxml()
    assert "placeholder" not in shown and ERROR_TITLE in shown and "bad &lt;node&gt;" in shown
    assert page.html().startswith(normalized(START) + "<aside")  # the container is as it was


def test_converted_genui_events_keep_their_ids_and_pass_comments_on() -> None:
    container = HtmxContainer("c")
    updates = [update("append", "", "<p>a\nb</p>")]
    genui_text = "retry: 50\n\n" + sse_event(updates, 3) + ": keepalive\n\n" + end_event(3)
    converted = container.convert(genui_text)
    assert converted.startswith("retry: 50\n\n")
    assert ": keepalive\n\n" in converted
    assert converted == (
        "retry: 50\n\n" + container.event(updates, 3) + ": keepalive\n\n" + container.end_event(3)
    )
    assert [(e.type, e.id) for e in read_sse(converted)] == [(UPDATE_EVENT, "3"), (END_EVENT, "3")]
    assert container.convert(error_event("no", 5)) == container.error_event("no", 5)


# --- streams and runs -----------------------------------------------------------------

SPEC = {
    "root": [
        {"component": "Heading", "props": {"level": 2, "text": "Results"}},
        {
            "component": "List",
            "key": '"]</script>',
            "children": [
                {"component": "ListItem", "props": {"text": f"item {n} </script>"}}
                for n in range(4)
            ],
        },
        {"component": "Text", "props": {"text": "<script>alert(1)</script>\r\nend"}},
    ]
}


def _stream_through_htmx(text: str, size: int) -> tuple[SpecStream, HtmxPage, set[UpdateOp]]:
    stream, container = SpecStream(ops=HTMX_OPS), HtmxContainer("answer")
    page, model, ops = HtmxPage(container), Container(), set[UpdateOp]()
    for start in range(0, len(text), size):
        updates = stream.feed(text[start : start + size])
        if updates:
            page.receive(container.event(updates, stream.version))
            for each in updates:
                model.apply(each)
                ops.add(each.op)
            assert_same_dom(page.html(), model.html())
    closing = stream.close()
    if closing:
        page.receive(container.event(closing, stream.version))
    return stream, page, ops


def test_a_spec_streamed_in_small_chunks_ends_as_its_render() -> None:
    stream, page, ops = _stream_through_htmx(json.dumps(SPEC), 7)
    assert {"reset", "append", "after"} <= ops <= HTMX_OPS
    assert ops & {"replace", "insert"}  # a parent shown before its first child
    assert_same_dom(page.html(), stream.html())
    assert "<script" not in page.html()


@given(specs(), st.integers(min_value=1, max_value=60))
def test_any_spec_streamed_in_any_chunks_ends_as_its_render(
    spec: dict[str, Any], size: int
) -> None:
    stream, page, _ = _stream_through_htmx(json.dumps(spec), size)
    assert_same_dom(page.html(), stream.html())


CARD: dict[str, Any] = {
    "root": [
        {
            "component": "Card",
            "key": '"]</script>',
            "props": {"title": "Trip"},
            "children": ["a text leaf </script>"],
        }
    ]
}
CARD_PATCHES: list[list[dict[str, Any]]] = [
    [
        {
            "op": "add",
            "path": "/root/0/children/-",
            "value": {"component": "Text", "props": {"text": f"child {n} <b>"}},
        }
    ]
    for n in range(3)
] + [
    [{"op": "remove", "path": "/root/0/children/3"}],
    [{"op": "remove", "path": "/root/0/children/2"}],
    [{"op": "replace", "path": "/root/0/props/title", "value": "Porto"}],
]
"""Children after a text leaf (insert), dropped from the end (remove), the Card's title."""


def test_a_stream_with_htmx_ops_inserts_removes_and_ends_as_its_render() -> None:
    stream, container = SpecStream(ops=HTMX_OPS), HtmxContainer("answer")
    page, model, ops = HtmxPage(container), Container(), list[UpdateOp]()
    for patch in [[{"op": "add", "path": "", "value": CARD}], *CARD_PATCHES]:
        updates = stream.apply(patch)
        page.receive(container.event(updates, stream.version))
        for each in updates:
            model.apply(each)
            ops.append(each.op)
        assert_same_dom(page.html(), model.html())
    assert ops == ["reset", "insert", "after", "after", "remove", "remove", "replace"]
    assert_same_dom(page.html(), stream.html())
    assert stream.spec is not None and stream.html() == render(stream.spec)


@given(specs())
def test_any_spec_built_then_emptied_node_by_node_with_htmx_ops_matches_genui_js(
    spec: dict[str, Any],
) -> None:
    """Built as test_stream builds it, then its nodes removed last first (from the end)."""
    stream, container = SpecStream(ops=HTMX_OPS), HtmxContainer('a"] b')
    page, model = HtmxPage(container), Container()
    build = _node_patches(spec)
    paths = [patch[0]["path"] for patch in build if patch[0]["path"] != "/root"]
    teardown = [[{"op": "remove", "path": path}] for path in reversed(paths)]
    sent = set[str]()
    for step, patch in enumerate([*build, *teardown]):
        try:
            updates = stream.apply(patch)
        except GenerativeUIPatchError:
            updates = []  # an intermediate state may be invalid (required props arrive later)
        if updates:
            page.receive(container.event(updates, stream.version))
            for each in updates:
                model.apply(each)
                sent.add(each.op)
            assert_same_dom(page.html(), model.html())
        if step == len(build) - 1:
            assert_same_dom(page.html(), stream.html())  # the whole spec, as rendered
    assert sent <= HTMX_OPS
    assert_same_dom(page.html(), stream.html())


def _paths_in(model: Container) -> list[str]:
    return [element.getAttribute("data-genui-path") for element in _elements(model.root)]


@given(st.data())
def test_random_update_sequences_at_hostile_paths_do_what_genui_js_does(
    data: st.DataObject,
) -> None:
    container = HtmxContainer(data.draw(hostile_text(), label="element_id"))
    page, model = HtmxPage(container), Container()
    written: dict[str, str] = {}  # the DOM's value of each path -> the path as sent
    count = 0

    def html() -> str:
        nonlocal count
        parts = []
        for _ in range(data.draw(st.integers(0, 2), label="elements")):
            count += 1
            path = f"{count}:{data.draw(hostile_text(), label='path')}"  # unique, hostile
            written[dom_value(path)] = path
            inner = escape_html(data.draw(hostile_text(), label="text"))
            if data.draw(st.booleans(), label="nested"):
                count += 1
                child = f"{count}:{path}"
                written[dom_value(child)] = child
                inner = f'<b data-genui-path="{escape_html(child)}">{inner}</b>'
            parts.append(f'<p data-genui-path="{escape_html(path)}">{inner}</p>')
        return "".join(parts)

    for version in range(1, data.draw(st.integers(1, 8), label="events") + 1):
        batch = []
        for _ in range(data.draw(st.integers(1, 3), label="updates")):
            shown = _paths_in(model)
            ops: list[UpdateOp] = (
                ["append", "reset", "after", "replace", "insert", "remove"]
                if shown
                else ["append", "reset"]
            )
            op = data.draw(st.sampled_from(ops), label="op")
            value = data.draw(st.sampled_from(shown)) if op not in ("append", "reset") else ""
            target = written[value] if value else ""
            at = ""
            if op == "insert" and [
                c for c in model._find(model.root, value).childNodes if _is_element(c)
            ]:
                at = data.draw(st.sampled_from(["", "0"]), label="at")
            each = Update(op, target, Markup("" if op == "remove" else html()), at)
            model.apply(each._replace(target=dom_value(target)))
            batch.append(each)
        page.receive(container.event(batch, version))
        assert_same_dom(page.html(), model.html())


def test_resuming_a_spec_stream_replays_or_resets_for_htmx() -> None:
    stream, container = SpecStream(ops=HTMX_OPS), HtmxContainer("c")
    text = json.dumps(SPEC)
    for start in range(0, len(text), 30):
        stream.feed(text[start : start + 30])
    (reset,) = read_sse("".join(container.resume_events(stream, None)))
    assert reset.id == str(stream.version) and "innerHTML:" in reset.data
    missed = read_sse("".join(container.resume_events(stream, str(stream.version - 2))))
    assert [event.id for event in missed] == [str(stream.version)]
    assert "innerHTML:" not in missed[0].data
    page = HtmxPage(container)
    page.swap(reset.data)
    assert_same_dom(page.html(), stream.html())


async def _chunks(text: str, size: int) -> AsyncIterator[str]:
    for start in range(0, len(text), size):
        await asyncio.sleep(0)
        yield text[start : start + size]


def test_a_run_s_events_convert_resume_by_id_and_end() -> None:
    async def scenario() -> tuple[str, str, StreamRun]:
        run = StreamRun(lambda: _chunks(json.dumps(SPEC), 9), idle_timeout=None)
        container = HtmxContainer("c")
        first = "".join([frame async for frame in container.events(run.events(None))])
        ids = re.findall(r"^id: (\d+)$", first, flags=re.M)
        again = "".join([frame async for frame in container.events(run.events(ids[1]))])
        return first, again, run

    first, again, run = asyncio.run(scenario())
    events = read_sse(first)
    assert events[-1].type == END_EVENT and events[-1].id == str(run.stream.version)
    page = HtmxPage(HtmxContainer("c"))
    page.receive(first)
    assert_same_dom(page.html(), run.stream.html())
    ids = [event.id for event in events if event.type == UPDATE_EVENT]
    assert [event.id for event in read_sse(again) if event.type == UPDATE_EVENT] == ids[2:]


def test_leaving_early_unsubscribes_from_the_run() -> None:
    async def scenario() -> int:
        run = StreamRun(lambda: _chunks(json.dumps(SPEC), 9), idle_timeout=None)
        events = HtmxContainer().events(run.events(None))
        await anext(events)
        assert run.subscribers == 1
        await events.aclose()
        subscribers = run.subscribers
        await run.aclose()
        return subscribers

    assert asyncio.run(scenario()) == 0
