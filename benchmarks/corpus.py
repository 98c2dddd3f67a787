"""A fixed, seeded corpus of realistic specs over the default registry.

Every size is cut from the same generated page, so the mix of components is
the same at 200 and at 20,000 nodes and cost per node can be compared across
sizes. The page looks like what an agent sends for a long report:

* a title, a summary paragraph and a row of KPI stats;
* then sections (vertical stacks): a heading, an intro paragraph, a grid of
  cards and a divider;
* each card holds a few rows: paragraphs (some with inline links, badges and
  numbers), badge rows, stat grids, tables, images, lists, alerts, action
  buttons, progress bars, code blocks and sub-headings.

Text is varied (escaping work: ``&``, ``<``, quotes, accents, emoji), URLs are
mostly absolute ``https`` with some relative, ``mailto:`` and — about one link in
a hundred — a ``javascript:`` URL that the sanitizer removes.

A *node* is counted the way :class:`genui.Limits` counts it: every component and
every text or number leaf in a ``children`` list or at the root. A spec of size
``n`` is the first ``n`` nodes of the page in document (pre-)order, so parents
always come before their children.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

__all__ = [
    "QUICK_SIZES",
    "SEED",
    "SIZES",
    "Node",
    "build_spec",
    "count_nodes",
    "iter_nodes",
    "spec_text",
]

SEED = 20_240_817
"""The seed of the page generator; change it and every number changes."""
SIZES: tuple[int, ...] = (10, 200, 2_000, 20_000)
"""The sizes of issue 8, in nodes."""
QUICK_SIZES: tuple[int, ...] = (10, 200)
"""Sizes for smoke runs (``--quick``)."""

Node: TypeAlias = Any
"""A spec node as decoded JSON: a ``dict`` component, a ``str`` or a number."""

_WORD_TEXT = (
    "revenue growth quarter customers retention pipeline forecast region team churn "
    "latency release roadmap budget margin onboarding support tickets backlog deploy "
    "incident review conversion traffic cohort pricing contract renewal inventory "
    "warehouse shipping supplier order invoice payment refund account dashboard metric "
    "target baseline experiment launch partner channel campaign audience survey feedback "
    "feature sprint milestone owner status"
)
_WORDS: tuple[str, ...] = tuple(_WORD_TEXT.split())
_FLAVOURS = (
    "R&D",
    "<50 ms",
    '"beta"',
    "O'Brien",
    "café",
    "naïve",
    "São Paulo",
    "Zürich",
    "±3%",
    "→ next",
    "📈",
    "✓",
    "日本",
    "a < b & c > d",
)
_TONES = ("default", "muted", "info", "success", "warning", "danger")
_ALERT_TONES = ("info", "success", "warning", "danger")
_LANGUAGES = ("python", "sql", "bash", "typescript", "json")


def _sentence(rng: random.Random, low: int = 6, high: int = 18) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(_FLAVOURS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?"))


def _title(rng: random.Random, low: int = 2, high: int = 5) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.15:
        words.append(rng.choice(_FLAVOURS))
    return " ".join(words).capitalize()


def _url(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return "javascript:alert(document.cookie)"  # removed by the sanitizer, reported
    if roll < 0.15:
        return f"/docs/{rng.choice(_WORDS)}/{rng.randint(1, 999)}"
    if roll < 0.20:
        return f"mailto:{rng.choice(_WORDS)}@example.com"
    host = rng.choice(("example.com", "docs.example.org", "status.example.net"))
    query = f"?id={rng.randint(1, 99_999)}&tab={rng.choice(_WORDS)}" if rng.random() < 0.4 else ""
    return f"https://{host}/{rng.choice(_WORDS)}/{rng.choice(_WORDS)}{query}"


def _image_url(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"/static/img/{rng.choice(_WORDS)}-{rng.randint(1, 99)}.png"
    return f"https://cdn.example.com/charts/{rng.choice(_WORDS)}-{rng.randint(1, 9999)}.webp"


def _figure(rng: random.Random) -> str | int | float:
    roll = rng.random()
    if roll < 0.35:
        return rng.randint(0, 250_000)
    if roll < 0.55:
        return round(rng.uniform(0, 1_000), 2)
    if roll < 0.8:
        return f"${rng.uniform(0.1, 99):.1f}M"
    return f"{rng.uniform(0, 100):.1f}%"


def _stat(rng: random.Random) -> Node:
    props: dict[str, Any] = {"label": _title(rng, 1, 3), "value": _figure(rng)}
    if rng.random() < 0.7:
        trend = rng.choice(("up", "down", "flat"))
        props["trend"] = trend
        sign = {"up": "+", "down": "-", "flat": "±"}[trend]
        props["delta"] = f"{sign}{rng.uniform(0, 30):.1f}% vs last month"
    return {"component": "Stat", "props": props}


def _paragraph(rng: random.Random) -> Node:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
    node: dict[str, Any] = {"component": "Text", "props": {"text": text}}
    if rng.random() < 0.25:
        node["props"]["tone"] = rng.choice(_TONES)
    return node


def _rich_paragraph(rng: random.Random) -> Node:
    children: list[Node] = [_sentence(rng, 4, 10) + " "]
    children.append({"component": "Link", "props": {"href": _url(rng), "text": _title(rng, 1, 3)}})
    children.append(" " + _sentence(rng, 3, 8) + " Total: ")
    children.append(rng.randint(1, 10_000))
    if rng.random() < 0.5:
        children.append(
            {
                "component": "Badge",
                "props": {"label": rng.choice(_WORDS), "tone": rng.choice(_TONES)},
            }
        )
    return {"component": "Text", "children": children}


def _badge_row(rng: random.Random) -> Node:
    badges = [
        {"component": "Badge", "props": {"label": _title(rng, 1, 2), "tone": rng.choice(_TONES)}}
        for _ in range(rng.randint(2, 4))
    ]
    return {
        "component": "Stack",
        "props": {"direction": "horizontal", "gap": "sm", "align": "center"},
        "children": badges,
    }


def _stat_grid(rng: random.Random) -> Node:
    return {
        "component": "Grid",
        "props": {"columns": 3, "gap": "sm"},
        "children": [_stat(rng) for _ in range(3)],
    }


def _table(rng: random.Random) -> Node:
    width = rng.randint(3, 5)
    columns = [_title(rng, 1, 2) for _ in range(width)]

    def cell(column: int) -> Any:
        if column == 0:
            return _title(rng, 1, 3)
        roll = rng.random()
        if roll < 0.5:
            return rng.randint(0, 99_999)
        if roll < 0.7:
            return round(rng.uniform(0, 100), 2)
        if roll < 0.8:
            return rng.random() < 0.5
        if roll < 0.85:
            return None
        return rng.choice(_WORDS)

    rows = [[cell(column) for column in range(width)] for _ in range(rng.randint(3, 10))]
    props: dict[str, Any] = {"columns": columns, "rows": rows}
    if rng.random() < 0.7:
        props["caption"] = _title(rng)
    return {"component": "Table", "props": props}


def _image(rng: random.Random) -> Node:
    props = {"image": _image_url(rng), "alt": _sentence(rng, 3, 8)}
    if rng.random() < 0.3:
        props["filename"] = f"{rng.choice(_WORDS)}.png"
    return {"component": "Image", "props": props}


def _list(rng: random.Random) -> Node:
    items = [
        {"component": "ListItem", "props": {"text": _sentence(rng, 3, 10)}}
        for _ in range(rng.randint(3, 5))
    ]
    return {"component": "List", "props": {"ordered": rng.random() < 0.4}, "children": items}


def _alert(rng: random.Random) -> Node:
    return {
        "component": "Alert",
        "props": {"tone": rng.choice(_ALERT_TONES), "title": _title(rng)},
        "children": [_sentence(rng)],
    }


def _actions(rng: random.Random) -> Node:
    buttons = [
        {
            "component": "Button",
            "props": {"label": _title(rng, 1, 2), "href": _url(rng), "variant": "primary"},
        },
        {"component": "Button", "props": {"label": _title(rng, 1, 2), "href": _url(rng)}},
    ]
    return {"component": "Stack", "props": {"direction": "horizontal"}, "children": buttons}


def _progress(rng: random.Random) -> Node:
    return {
        "component": "Progress",
        "props": {"label": _title(rng), "value": rng.randint(0, 100)},
    }


def _code(rng: random.Random) -> Node:
    name = rng.choice(_WORDS)
    code = f"def {name}(rows):\n    return [r for r in rows if r['{name}'] > {rng.randint(1, 99)}]"
    return {"component": "Code", "props": {"language": rng.choice(_LANGUAGES), "code": code}}


def _subheading(rng: random.Random) -> Node:
    return {"component": "Heading", "props": {"level": 4, "text": _title(rng)}}


_BLOCKS: tuple[tuple[Callable[[random.Random], Node], float], ...] = (
    (_paragraph, 5.0),
    (_rich_paragraph, 2.0),
    (_badge_row, 2.0),
    (_stat_grid, 2.0),
    (_table, 1.5),
    (_image, 1.0),
    (_list, 1.5),
    (_alert, 1.0),
    (_actions, 1.0),
    (_progress, 0.7),
    (_code, 0.5),
    (_subheading, 0.5),
)


def _card(rng: random.Random, index: int) -> Node:
    makers, weights = zip(*_BLOCKS, strict=True)
    rows = [rng.choices(makers, weights)[0](rng) for _ in range(rng.randint(2, 5))]
    props: dict[str, Any] = {"title": _title(rng)}
    if rng.random() < 0.5:
        props["description"] = _sentence(rng, 4, 10)
    return {"component": "Card", "key": f"card-{index}", "props": props, "children": rows}


def _section(rng: random.Random, index: int) -> Node:
    cards = [_card(rng, index * 10 + i) for i in range(rng.randint(2, 4))]
    return {
        "component": "Stack",
        "key": f"section-{index}",
        "props": {"gap": "lg"},
        "children": [
            {"component": "Heading", "props": {"level": 2, "text": _title(rng)}},
            _paragraph(rng),
            {"component": "Grid", "props": {"columns": 2}, "children": cards},
            {"component": "Divider"},
        ],
    }


def _page(seed: int) -> Iterator[Node]:
    """The root nodes of an endless page: a header, then sections forever."""
    rng = random.Random(seed)
    yield {"component": "Heading", "props": {"level": 1, "text": "Quarterly business review"}}
    yield _paragraph(rng)
    yield {
        "component": "Grid",
        "key": "kpis",
        "props": {"columns": 4},
        "children": [_stat(rng) for _ in range(4)],
    }
    index = 0
    while True:
        yield _section(rng, index)
        index += 1


def _take(node: Node, budget: int) -> tuple[Node, int]:
    """The first ``budget`` (≥ 1) nodes of ``node`` in pre-order, and how many that is."""
    if not isinstance(node, dict) or not node.get("children"):
        return node, 1
    used = 1
    children: list[Node] = []
    for child in node["children"]:
        if used >= budget:
            break
        kept, size = _take(child, budget - used)
        children.append(kept)
        used += size
    return {**node, "children": children}, used


@functools.cache
def _build(nodes: int, seed: int) -> str:
    roots: list[Node] = []
    used = 0
    for root in _page(seed):
        if used >= nodes:
            break
        kept, size = _take(root, nodes - used)
        roots.append(kept)
        used += size
    return json.dumps({"root": roots}, ensure_ascii=False)


def spec_text(nodes: int, seed: int = SEED) -> str:
    """The JSON text of the ``nodes``-node spec (cached; UTF-8, not ASCII-escaped)."""
    if nodes < 1:
        raise ValueError("a spec has at least one node")
    return _build(nodes, seed)


def build_spec(nodes: int, seed: int = SEED) -> dict[str, Any]:
    """A fresh decoded copy of the ``nodes``-node spec (``{"root": [...]}``)."""
    spec: dict[str, Any] = json.loads(spec_text(nodes, seed))
    return spec


def iter_nodes(spec: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Node]]:
    """Every node with its JSON path (e.g. ``("root", 3, "children", 0)``), in pre-order."""
    stack: list[tuple[tuple[str | int, ...], Node]] = []
    root = spec["root"]
    if isinstance(root, list):
        stack.extend((("root", i), item) for i, item in reversed(list(enumerate(root))))
    else:
        stack.append((("root",), root))
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            children = node.get("children") or []
            stack.extend(
                ((*path, "children", i), child) for i, child in reversed(list(enumerate(children)))
            )


def count_nodes(spec: dict[str, Any]) -> int:
    """Number of nodes in ``spec``, counted like :attr:`genui.Limits.max_nodes`."""
    return sum(1 for _ in iter_nodes(spec))
