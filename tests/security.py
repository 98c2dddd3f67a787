"""Browser-free checks of rendered HTML against the guarantees of docs/security.md.

The output is parsed with html5lib (the HTML5 parsing algorithm, as browsers
run it) and every element and attribute of the resulting tree is inspected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import html5lib
from pydantic import BaseModel, ConfigDict

from genui import ActionEvent, ActionGate, Actions
from genui.htmltext import replace_invalid_characters
from genui.sanitize import URL_ATTRIBUTES, UrlContext, sanitize_srcset, sanitize_url
from genui.spec import GenerativeUISpec

FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "iframe",
        "object",
        "embed",
        "base",
        "meta",
        "style",
        "link",
        "frame",
        "frameset",
        "applet",
        "noscript",
        "template",
        "portal",
    }
)
IMAGE_ATTRIBUTES = frozenset({"src", "srcset", "poster", "imagesrcset", "lowsrc", "dynsrc"})


@dataclass(frozen=True)
class Violation:
    """One invariant broken somewhere in a document."""

    rule: str
    element: str
    detail: str


def parse(html: str) -> Any:
    """Parse a fragment into an ElementTree, as a browser's parser would."""
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def local_name(tag: Any) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].lower()


def elements(tree: Any) -> Iterator[Any]:
    stack = [tree]
    while stack:
        element = stack.pop()
        if isinstance(element.tag, str):
            yield element
        stack.extend(reversed(list(element)))


def _tree(html: str | Any) -> Any:
    """A fragment parsed, or the tree :func:`parse` already made of one."""
    return parse(html) if isinstance(html, str) else html


def violations(html: str | Any) -> list[Violation]:
    """Every breach of guarantees 4 and 5 (docs/security.md) in a rendered fragment (or its
    :func:`parse` tree)."""
    found: list[Violation] = []
    for element in elements(_tree(html)):
        name = local_name(element.tag)
        if name in FORBIDDEN_ELEMENTS:
            found.append(Violation("forbidden_element", name, ""))
        for raw_attribute, value in element.attrib.items():
            attribute = local_name(raw_attribute)
            if attribute.startswith("on"):
                found.append(Violation("event_handler", name, f"{attribute}={value!r}"))
            if attribute == "style":
                found.append(Violation("style_attribute", name, value))
            if attribute in ("srcdoc", "formaction", "action") and name != "form":
                found.append(Violation("forbidden_attribute", name, attribute))
            if attribute in URL_ATTRIBUTES:
                if attribute in ("srcset", "imagesrcset"):
                    safe = sanitize_srcset(value) is not None
                else:  # a download link fetches an image as a file; it never navigates
                    downloads = name == "a" and element.get("download") is not None
                    image = attribute in IMAGE_ATTRIBUTES or downloads
                    context: UrlContext = "img" if image else "href"
                    safe = sanitize_url(value, context=context) is not None
                if not safe:
                    found.append(Violation("unsafe_url", name, f"{attribute}={value!r}"))
    return found


def by_path(html: str | Any) -> dict[str, Any]:
    """Elements that carry ``data-genui-path``, by path (in a fragment or its tree)."""
    return {
        element.get("data-genui-path"): element
        for element in elements(_tree(html))
        if element.get("data-genui-path") is not None
    }


def text_content(element: Any) -> str:
    return "".join(element.itertext())


def as_browsers_read(text: str) -> str:
    """``text`` as it reads back from the DOM: disallowed characters replaced, newlines
    normalized by the parser (CRLF and CR become LF)."""
    return replace_invalid_characters(text).replace("\r\n", "\n").replace("\r", "\n")


def form_target_violations(html: str | Any, endpoint: str) -> list[Violation]:
    """Every form that posts anywhere but ``endpoint``, and every ``formaction`` at all.

    ``html`` is a fragment, or a tree :func:`parse` made of one. A spec never chooses
    where a form goes: the app's endpoint is the only target.
    """
    found: list[Violation] = []
    for element in elements(_tree(html)):
        name = local_name(element.tag)
        attributes = {local_name(a): v for a, v in element.attrib.items()}
        if "formaction" in attributes:
            found.append(Violation("formaction", name, attributes["formaction"]))
        if name == "form" and (
            attributes.get("action") != endpoint or attributes.get("method") != "post"
        ):
            found.append(Violation("form_target", name, repr(attributes)))
    return found


# --- a declared action for the walls' forms ----------------------------------------------

WALL_ENDPOINT = "/app/genui-actions"
"""Where the walls' forms post."""
WALL_FIELDS = ("x", "a", "b", "c", "d", "e")
"""The field names the walls' forms use (``x`` is the minimal props' filler)."""


class WallInputs(BaseModel):
    """The inputs of the walls' action: every field name they use, all optional."""

    model_config = ConfigDict(extra="forbid")

    x: str | None = None
    a: str | None = None
    b: str | None = None
    c: str | None = None
    d: str | None = None
    e: str | None = None


def _wall_actions() -> Actions:
    actions = Actions()

    @actions.action(inputs=WallInputs, description="Send the form.")
    def send(event: ActionEvent[Any, WallInputs]) -> None:
        return None

    return actions


WALL_ACTIONS = _wall_actions()
WALL_BINDING = {"name": "send"}
"""The ``action`` prop of a form bound to the walls' action."""


class NoSurfaces:
    """The Surfaces protocol for rendering only (nothing is verified)."""

    def current(self, surface: str) -> GenerativeUISpec | None:
        """Nothing is shown anywhere."""
        return None


WALL_GATE = ActionGate(
    WALL_ACTIONS, ["k" * 32], surfaces=NoSurfaces(), endpoint=WALL_ENDPOINT, clock=lambda: 1.7e9
)
"""Signs the walls' forms; its fixed clock makes a spec always sign to the same bytes."""
