"""Scripted "agents": deterministic, replayable scripts of specs, patches and partial JSON.

A scenario is a function from a :class:`ScriptContext` to a sequence of
:class:`Step` s. The runner (:mod:`examples.server.runs`) executes the steps
against a :class:`genui.SpecStream`; nothing here touches the network, a clock
or a random number generator, so the same scenario and attempt always produce
the same updates. Delays are only pacing: the runner scales them (tests run
them fast) and they never change what is produced.

Scenarios:

``dashboard``
    a dashboard streamed as JSON text in small chunks (the partial-JSON path);
``deploy``
    a deployment tracker kept current with JSON Patch and merge patch (the patch path);
``image``
    an image generation: running, three sharper partial previews, complete;
``content-filter``
    an image generation the provider refuses: it ends in an error card, no image;
``hostile``
    a spec full of attacks, rendered leniently so the page shows what genui removed;
``booking``
    the agent asks for a booking: a form bound to the declared ``book_table`` action
    (:data:`ACTIONS`), answered on the same stream with a confirmation and a single-use
    "send it again" button (``resend_confirmation``);
``answer``
    a model's Markdown answer streamed token by token (growing-prefix ``replace`` patches on
    a ``Markdown`` node marked ``streaming``), then a ``Chart`` of the figures it quotes;
``watchlist``
    a spec with ``state``: a ``Table`` whose rows and ``Stat`` s whose values are bindings,
    and a "Refresh prices" button (``refresh_prices``) whose handler answers with a patch
    of ``/state`` only, so the stream re-sends just the nodes that read what changed.

Scenarios use :data:`REGISTRY`: the built-ins plus ``Markdown`` (the ``genui[markdown]``
extra).

The booking's inputs are checked on submit against today's date (a date in the past is
refused); that check is the app's, not the script's, which stays deterministic.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, Final, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from examples.server.imagegen import PARTIAL_BLOCKS, ImageSlot, scene_png
from genui import ActionEvent, ActionReply, Actions, Registry, default_registry
from genui.components.markdown import MARKDOWN
from genui.formats.a2ui import BASIC_CATALOG_ID, A2UIAdapter

__all__ = [
    "ACTIONS",
    "BOOKING_SPEC",
    "DASHBOARD_SPEC",
    "EMAIL",
    "HOSTILE_SPEC",
    "REGISTRY",
    "SCENARIOS",
    "WATCHLIST_SPEC",
    "Booking",
    "BookingParams",
    "Close",
    "Feed",
    "Patch",
    "Pause",
    "PutImage",
    "Refresh",
    "Resend",
    "Scenario",
    "ScriptContext",
    "Step",
    "booking_confirmation",
    "chunked",
    "image_key",
    "refresh_patch",
    "watchlist_state",
]


# -- steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """Feed the next chunk of the spec's JSON text (``SpecStream.feed``)."""

    text: str


@dataclass(frozen=True)
class Patch:
    """Apply a JSON Patch (a list of ops) or a merge patch (a dict) (``SpecStream.apply``)."""

    ops: list[dict[str, Any]] | dict[str, Any]


@dataclass(frozen=True)
class Pause:
    """Wait, as a model does between tokens (scaled by the server's ``speed``)."""

    seconds: float


@dataclass(frozen=True)
class PutImage:
    """Store image bytes under ``name`` (served at ``/images/<name>``) before a patch uses them.

    ``make`` is called in a worker thread: drawing a picture is CPU work.
    """

    name: str
    make: Callable[[], bytes] = field(compare=False)
    media_type: str = "image/png"


@dataclass(frozen=True)
class Close:
    """The agent is done: finish the stream (validates a text stream strictly)."""


Step: TypeAlias = Feed | Patch | Pause | PutImage | Close


@dataclass(frozen=True)
class ScriptContext:
    """What a script may depend on: which run it is and which attempt (regenerate)."""

    run_id: str
    attempt: int = 1
    image_prefix: str = "/images/"

    def image_url(self, name: str) -> str:
        """The URL at which a :class:`PutImage` named ``name`` is served."""
        return self.image_prefix + name


Script: TypeAlias = Callable[[ScriptContext], Iterable[Step] | AsyncIterable[Step]]
RendererKind: TypeAlias = Literal["strict", "lenient"]


@dataclass(frozen=True)
class Scenario:
    """A named script and how the page presents it."""

    name: str
    title: str
    description: str
    script: Script
    renderer: RendererKind = "strict"
    """``strict`` raises on invalid props; ``lenient`` drops them and uses the fallback."""
    show_report: bool = False
    """Stream the SanitizeReport in a second channel, shown beside the output."""
    regenerate: bool = False
    """Offer a Regenerate control (``POST /runs/{id}/regenerate``)."""
    source: str | None = None
    """What the agent sends, shown (escaped) under the panel."""
    live: bool = False
    """Talks to a real model over the network (never in tests)."""
    actions: bool = False
    """Its spec binds declared actions (:data:`ACTIONS`): the script is played when the run
    is created (the page shows its form even without JavaScript; no pauses, feeds and
    patches only) and the stream stays open, so the actions' replies can be applied to it."""


def chunked(text: str, size: int, pause: float) -> Iterator[Step]:
    """Split ``text`` into ``size``-character :class:`Feed` steps with a pause after each."""
    for start in range(0, len(text), size):
        yield Feed(text[start : start + size])
        if pause:
            yield Pause(pause)


# -- 1. dashboard: partial JSON ------------------------------------------------------------

DASHBOARD_SPEC: dict[str, Any] = {
    "root": [
        {"component": "Heading", "props": {"level": 3, "text": "Quarterly overview"}},
        {
            "component": "Grid",
            "props": {"columns": 3, "gap": "sm"},
            "children": [
                {
                    "component": "Stat",
                    "key": "revenue",
                    "props": {"label": "Revenue", "value": "$1.2M", "delta": "+12%", "trend": "up"},
                },
                {
                    "component": "Stat",
                    "key": "users",
                    "props": {"label": "Active users", "value": "48.2k", "delta": "+3.1%"},
                },
                {
                    "component": "Stat",
                    "key": "churn",
                    "props": {"label": "Churn", "value": "2.4%", "delta": "-0.3%", "trend": "down"},
                },
            ],
        },
        {
            "component": "Table",
            "props": {
                "caption": "Revenue by region",
                "columns": ["Region", "Revenue", "Growth"],
                "rows": [
                    ["EMEA", "$480k", "+9%"],
                    ["Americas", "$520k", "+15%"],
                    ["APAC", "$200k", "+11%"],
                ],
            },
        },
        {
            "component": "Alert",
            "props": {"tone": "warning", "title": "Heads up"},
            "children": ["APAC numbers are preliminary until the 5th."],
        },
        {
            "component": "Stack",
            "props": {"direction": "horizontal", "gap": "sm", "align": "center"},
            "children": [
                {
                    "component": "Button",
                    "props": {
                        "label": "Open report",
                        "href": "https://example.com/report",
                        "variant": "primary",
                    },
                },
                {"component": "Badge", "props": {"label": "Q3", "tone": "info"}},
            ],
        },
    ]
}


def dashboard(ctx: ScriptContext) -> Iterator[Step]:
    """Stream the dashboard's JSON text a few characters at a time."""
    yield from chunked(json.dumps(DASHBOARD_SPEC, ensure_ascii=False), size=16, pause=0.035)
    yield Close()


# -- 2. deploy: JSON Patch -----------------------------------------------------------------

_STEPS = ("Build", "Test", "Migrate", "Release")


def _deploy_step(name: str, state: str, tone: str) -> dict[str, Any]:
    return {
        "component": "ListItem",
        "key": name.lower(),
        "children": [
            {
                "component": "Stack",
                "props": {"direction": "horizontal", "gap": "sm", "align": "center"},
                "children": [
                    {"component": "Badge", "props": {"label": state, "tone": tone}},
                    name,
                ],
            }
        ],
    }


def deploy(ctx: ScriptContext) -> Iterator[Step]:
    """Build a deployment tracker, then keep it current with small patches."""
    yield Patch(
        [
            {
                "op": "add",
                "path": "/root",
                "value": [
                    {"component": "Heading", "props": {"level": 3, "text": "Deploying v2.4.0"}},
                    {"component": "Progress", "props": {"label": "Rollout", "value": 0}},
                    {
                        "component": "List",
                        "props": {"ordered": True},
                        "children": [_deploy_step(name, "queued", "muted") for name in _STEPS],
                    },
                ],
            }
        ]
    )
    yield Pause(0.3)
    for index in range(len(_STEPS)):
        base = f"/root/2/children/{index}/children/0/children/0/props"
        yield Patch(
            [{"op": "replace", "path": base, "value": {"label": "running", "tone": "info"}}]
        )
        yield Pause(0.35)
        yield Patch(
            [
                {"op": "replace", "path": f"{base}/label", "value": "done"},
                {"op": "replace", "path": f"{base}/tone", "value": "success"},
                {"op": "replace", "path": "/root/1/props/value", "value": 25 * (index + 1)},
            ]
        )
        yield Pause(0.2)
    # One patch may hold several ops: retitle and append a node, atomically.
    yield Patch(
        [
            {"op": "replace", "path": "/root/0/props/text", "value": "Deployed v2.4.0"},
            {
                "op": "add",
                "path": "/root/-",
                "value": {
                    "component": "Alert",
                    "props": {"tone": "success", "title": "Live"},
                    "children": ["All four steps passed; v2.4.0 is serving 100% of traffic."],
                },
            },
        ]
    )
    yield Close()


# -- 3. and 4. images ----------------------------------------------------------------------


def image_key(run_id: str) -> str:
    """The image node's key: ``image-<run id>``, so a regenerate form identifies its run."""
    return f"image-{run_id}"


_PROMPT = "A sunset over layered mountains, flat illustration, 16:9"


def _image_spec(prompt: str) -> list[dict[str, Any]]:
    """The message around the image (the image node itself is added by the slot)."""
    return [
        {"component": "Heading", "props": {"level": 3, "text": "Image generation"}},
        {"component": "Text", "props": {"text": f"Prompt: {prompt}", "tone": "muted"}},
    ]


def image(ctx: ScriptContext) -> Iterator[Step]:
    """Running, then partial previews that get sharper, then the final image."""
    slot = ImageSlot(
        "/root/2",
        alt="A sunset over layered mountains",
        filename="sunset.png",
        key=image_key(ctx.run_id),
    )
    # (On regenerate, "add /root" replaces the whole previous spec.)
    yield Patch([{"op": "add", "path": "/root", "value": _image_spec(_PROMPT)}, *slot.started()])
    yield Pause(0.5)
    base = f"{ctx.run_id}-{ctx.attempt}"
    for index, block in enumerate(PARTIAL_BLOCKS):
        name = f"{base}-partial-{index}.png"
        yield PutImage(name, partial(scene_png, ctx.attempt, block))
        yield Patch(slot.partial(ctx.image_url(name), index, len(PARTIAL_BLOCKS)))
        yield Pause(0.45)
    name = f"{base}.png"
    yield PutImage(name, partial(scene_png, ctx.attempt, 1))
    yield Patch(slot.completed(ctx.image_url(name)))


def content_filter(ctx: ScriptContext) -> Iterator[Step]:
    """Running, then the provider refuses: an error card and never an image URL."""
    slot = ImageSlot(
        "/root/2",
        alt="A photo of a real person",
        filename="portrait.png",
        key=image_key(ctx.run_id),
    )
    prompt = "A photorealistic portrait of a real, named person"
    yield Patch([{"op": "add", "path": "/root", "value": _image_spec(prompt)}, *slot.started()])
    yield Pause(0.8)
    # What an image API answers (the provider's error text, classified by genui.images).
    yield Patch(slot.failed("Your request was rejected by the safety system: content_policy"))


# -- 5. hostile ----------------------------------------------------------------------------

HOSTILE_SPEC: dict[str, Any] = {
    "root": [
        {
            "component": "Heading",
            "props": {"level": 3, "text": "<img src=x onerror=alert('heading')>"},
        },
        {
            "component": "Link",
            "props": {"href": "javascript:alert('link')", "text": "javascript: link"},
        },
        {
            "component": "Link",
            "props": {"href": "java\tscript:alert('tab')", "text": "obfuscated javascript: link"},
        },
        {
            "component": "Button",
            "props": {
                "label": "Button with onclick",
                "href": "https://example.com/",
                "onclick": "alert('click')",
            },
        },
        {
            "component": "Text",
            "props": {
                "text": "<script>alert('raw html')</script> is shown as text",
                "style": "background:url(javascript:alert('style'))",
            },
        },
        {
            "component": "Text",
            "props": {
                "text": "dangerouslySetInnerHTML is dropped",
                "dangerouslySetInnerHTML": {"__html": "<img src=x onerror=alert('inner')>"},
            },
        },
        {"component": "Script", "props": {"src": "https://evil.example/x.js"}},
        {"component": "constructor", "props": {"onmouseover": "alert('proto')"}},
        {
            "component": "Image",
            "props": {"image": "javascript:alert('img')", "alt": "an image with a script URL"},
        },
        {
            "component": "Card",
            "props": {
                "title": "</section><script>alert('title')</script>",
                "srcdoc": "<script>alert('srcdoc')</script>",
            },
            "children": [{"component": "Text", "props": {"text": "Card body survives."}}],
        },
    ]
}


def hostile(ctx: ScriptContext) -> Iterator[Step]:
    """Stream the hostile spec as text; the lenient renderer drops and reports."""
    yield from chunked(json.dumps(HOSTILE_SPEC, ensure_ascii=False), size=24, pause=0.03)
    yield Close()


# -- 6. booking: a form bound to a declared action ----------------------------------------

EMAIL: Final = re.compile(
    r"[^@\s]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"
)
"""The server's email check: a local part, ``@``, a domain with a dot (``lou@localhost``
passes a browser's ``type=email`` check and fails this one)."""


class BookingParams(BaseModel):
    """What the agent binds: the restaurant it chose."""

    model_config = ConfigDict(extra="forbid")

    restaurant: Annotated[str, Field(min_length=1, max_length=80)]


class Booking(BaseModel):
    """What the person types: a day (not in the past), a party size, an email address."""

    model_config = ConfigDict(extra="forbid")

    date: datetime.date
    party_size: int
    email: Annotated[str, Field(max_length=254)]

    @field_validator("date")
    @classmethod
    def _not_in_the_past(cls, day: datetime.date) -> datetime.date:
        if day < datetime.date.today():
            raise PydanticCustomError("past_date", "Choose today or a later day.")
        return day

    @field_validator("party_size")
    @classmethod
    def _a_table_size(cls, size: int) -> int:
        if not 1 <= size <= 12:
            raise PydanticCustomError("party_size", "Tables are for 1 to 12 people.")
        return size

    @field_validator("email")
    @classmethod
    def _an_email_address(cls, address: str) -> str:
        if EMAIL.fullmatch(address) is None:
            raise PydanticCustomError("email", "Enter an email address like lou@example.com.")
        return address


class Resend(BaseModel):
    """Where the confirmation goes again (bound by the booking's answer, not typed)."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(max_length=254)]


BOOKING_SPEC: dict[str, Any] = {
    "root": [
        {
            "component": "Text",
            "props": {
                "text": "Chez Lou has tables this month. Which day, for how many people, and "
                "where should I send the confirmation?"
            },
        },
        {
            "component": "Form",
            "key": "booking",
            "props": {
                "action": {"name": "book_table", "params": {"restaurant": "Chez Lou"}},
                "title": "Book a table at Chez Lou",
                "submit_label": "Book the table",
            },
            "children": [
                {
                    "component": "TextInput",
                    "props": {"name": "date", "label": "Date", "kind": "date", "required": True},
                },
                {
                    "component": "TextInput",
                    "props": {
                        "name": "party_size",
                        "label": "Party size",
                        "kind": "number",
                        "required": True,
                        "min": 1,
                        "max": 12,
                        "step": 1,
                        "help": "From 1 to 12 people.",
                    },
                },
                {
                    "component": "TextInput",
                    "props": {
                        "name": "email",
                        "label": "Email for the confirmation",
                        "kind": "email",
                        "required": True,
                        "autocomplete": "email",
                    },
                },
            ],
        },
    ]
}
"""What the booking agent sends: its question and the form bound to ``book_table``."""


def booking(ctx: ScriptContext) -> Iterator[Step]:
    """Ask for the booking's details with a form (one patch; the stream stays open)."""
    yield Patch([{"op": "add", "path": "/root", "value": BOOKING_SPEC["root"]}])


def booking_confirmation(event: ActionEvent[BookingParams, Booking]) -> dict[str, Any]:
    """The spec that answers a booking: the confirmation and, small, what the agent is told."""
    inputs = event.inputs
    return {
        "root": [
            {
                "component": "Alert",
                "key": "confirmed",
                "props": {"tone": "success", "title": "Table booked"},
                "children": [
                    f"Table for {inputs.party_size} at {event.params.restaurant} on "
                    f"{inputs.date.isoformat()}; confirmation sent to {inputs.email}."
                ],
            },
            {
                "component": "Text",
                "key": "agent-message",
                "props": {"tone": "muted", "text": f"To the agent: {event.to_agent_message()}"},
            },
            {
                "component": "Button",
                "key": "resend",
                "props": {
                    "label": "Send the confirmation again",
                    "action": {"name": "resend_confirmation", "params": {"email": inputs.email}},
                },
            },
        ]
    }


ACTIONS = Actions()
"""The actions the demo's agents may bind (the strict renderer validates against them)."""


@ACTIONS.action(params=BookingParams, inputs=Booking, label="Book the table")
def book_table(event: ActionEvent[BookingParams, Booking]) -> ActionReply:
    """Book a table at the restaurant the agent chose, for the day and party the user enters."""
    return ActionReply(spec=booking_confirmation(event), message=event.to_agent_message())


@ACTIONS.action(params=Resend, description="Send the booking's confirmation email again")
def resend_confirmation(event: ActionEvent[Resend, None]) -> ActionReply:
    """Say the confirmation went out again, below the button (which stays, spent: single use)."""
    sent = {
        "component": "Text",
        "props": {"tone": "muted", "text": f"Sent the confirmation to {event.params.email} again."},
    }
    return ActionReply(patches=[{"op": "add", "path": "/root/-", "value": sent}])


# -- 7. answer: Markdown streamed token by token, then a chart -----------------------------

REGISTRY: Final[Registry] = default_registry().extend(MARKDOWN)
"""The demo's allowlist: the built-in components and ``Markdown``."""

ANSWER_MARKDOWN: Final = """\
## Sign-ups this quarter

Sign-ups grew in **every month** of the quarter, and *paid* conversions kept pace:

| Month | Sign-ups | Paid |
| :---- | -------: | ---: |
| July | 1,240 | 310 |
| August | 1,515 | 362 |
| September | 1,830 | 441 |

- [x] July's onboarding change is live
- [ ] The September cohort still needs its survey

To pull the same figures yourself:

```sql
select month, count(*) from signups group by month;
```

The method is described in [the analytics handbook](https://example.com/handbook).
"""
"""The answer the scripted model writes, in Markdown."""

ANSWER_CHART: Final[dict[str, Any]] = {
    "component": "Chart",
    "props": {
        "title": "Sign-ups and paid conversions",
        "description": "Sign-ups rose from 1,240 in July to 1,830 in September.",
        "kind": "bar",
        "labels": ["July", "August", "September"],
        "series": [
            {"name": "Sign-ups", "values": [1240, 1515, 1830]},
            {"name": "Paid", "values": [310, 362, 441]},
        ],
    },
}
"""The chart the scripted model adds once its text is done."""

_ANSWER_TEXT: Final = "/root/0/props/text"


def answer(ctx: ScriptContext) -> Iterator[Step]:
    """Write the Markdown answer a few characters at a time, then add the chart.

    Each step replaces the node's whole text with a longer prefix (what an adapter over a
    model's token stream sends); while ``streaming`` is true the block still being written
    is shown as plain text, so a half-written link or table never renders half-parsed.
    """
    markdown = {"component": "Markdown", "props": {"text": "", "streaming": True}}
    yield Patch([{"op": "add", "path": "/root", "value": [markdown]}])
    for end in range(12, len(ANSWER_MARKDOWN) + 12, 12):
        yield Patch([{"op": "replace", "path": _ANSWER_TEXT, "value": ANSWER_MARKDOWN[:end]}])
        yield Pause(0.03)
    yield Patch(
        [
            {"op": "replace", "path": "/root/0/props/streaming", "value": False},
            {"op": "add", "path": "/root/-", "value": ANSWER_CHART},
        ]
    )
    yield Close()


# -- 8. watchlist: state, bindings, and an action answered with a state patch -------------

_HOLDINGS: Final = (("ACME", 40, 10150), ("Globex", 120, 5500), ("Initech", 300, 2310))
"""The watchlist's positions: symbol, shares held, opening price in cents."""
_ADDED: Final = ("Umbrella", 50, 840)
"""The position the second refresh adds."""
_MOVES: Final = (3, -2, 5, -4, 1, -1)
"""How a refreshed price moves, in tenths of a percent, round after round (deterministic)."""


def _money(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def watchlist_state(round_: int) -> dict[str, Any]:
    """The watchlist's ``state`` after ``round_`` refreshes (a pure function of it).

    Each refresh moves one position's price (the positions in turn); the second also adds a
    position. The portfolio's value and change follow from the prices.
    """
    holdings = [list(h) for h in _HOLDINGS] + ([list(_ADDED)] if round_ >= 2 else [])
    changes = [0] * len(holdings)
    for done in range(round_):
        index = done % len(_HOLDINGS)
        move = _MOVES[done % len(_MOVES)]
        holdings[index][2] += holdings[index][2] * move // 1000
        changes[index] = move
    opening = sum(shares * cents for _, shares, cents in _HOLDINGS) + (
        _ADDED[1] * _ADDED[2] if round_ >= 2 else 0
    )
    value = sum(shares * cents for _, shares, cents in holdings)
    delta = round((value - opening) * 10_000 / opening)  # hundredths of a percent
    rows = [
        [symbol, shares, _money(cents), f"{change / 10:+.1f}%"]
        for (symbol, shares, cents), change in zip(holdings, changes, strict=True)
    ]
    return {
        "rows": rows,
        "value": _money(value),
        "delta": f"{delta / 100:+.2f}% today",
        "trend": "up" if delta > 0 else "down" if delta < 0 else "flat",
        "positions": len(rows),
        "round": round_,
    }


def refresh_patch(round_: int) -> list[dict[str, Any]]:
    """The JSON Patch of ``/state`` that takes the watchlist from ``round_`` to the next.

    Only what changed: a ``replace`` per changed cell and figure, an ``add`` per new row.
    """
    before, after = watchlist_state(round_), watchlist_state(round_ + 1)
    ops: list[dict[str, Any]] = []
    for index, row in enumerate(after["rows"]):
        if index >= len(before["rows"]):
            ops.append({"op": "add", "path": "/state/rows/-", "value": row})
            continue
        for column, cell in enumerate(row):
            if cell != before["rows"][index][column]:
                path = f"/state/rows/{index}/{column}"
                ops.append({"op": "replace", "path": path, "value": cell})
    for name, value in after.items():
        if name != "rows" and value != before[name]:
            ops.append({"op": "replace", "path": f"/state/{name}", "value": value})
    return ops


def _bound(pointer: str) -> dict[str, str]:
    return {"$state": pointer}


WATCHLIST_SPEC: dict[str, Any] = {
    "state": watchlist_state(0),
    "root": [
        {"component": "Heading", "props": {"level": 3, "text": "Your watchlist"}},
        {
            "component": "Grid",
            "props": {"columns": 2, "gap": "sm"},
            "children": [
                {
                    "component": "Stat",
                    "key": "value",
                    "props": {
                        "label": "Portfolio value",
                        "value": _bound("/value"),
                        "delta": _bound("/delta"),
                        "trend": _bound("/trend"),
                    },
                },
                {
                    "component": "Stat",
                    "key": "positions",
                    "props": {"label": "Positions", "value": _bound("/positions")},
                },
            ],
        },
        {
            "component": "Table",
            "key": "prices",
            "props": {
                "caption": "Prices",
                "columns": ["Symbol", "Shares", "Price", "Change"],
                "rows": _bound("/rows"),
            },
        },
        {
            "component": "Button",
            "key": "refresh",
            "props": {
                "label": "Refresh prices",
                "variant": "secondary",
                "action": {"name": "refresh_prices", "params": {"round": _bound("/round")}},
            },
        },
    ],
}
"""What the watchlist agent sends: the figures once, in ``state``, and a layout that binds
them. The button's ``round`` param is bound too, so each refresh re-signs it."""


def watchlist(ctx: ScriptContext) -> Iterator[Step]:
    """Show the watchlist (one merge patch; the stream stays open for the refreshes)."""
    yield Patch(WATCHLIST_SPEC)


class Refresh(BaseModel):
    """Which refresh the button asks for (bound from ``/state/round``, signed)."""

    model_config = ConfigDict(extra="forbid")

    round: Annotated[int, Field(ge=0, le=10_000)]


@ACTIONS.action(params=Refresh, label="Refresh prices")
def refresh_prices(event: ActionEvent[Refresh, None]) -> ActionReply:
    """Answer with a patch of ``/state``: the stream re-renders the nodes that read it."""
    round_ = event.params.round
    return ActionReply(
        patches=refresh_patch(round_), message=f"Prices refreshed ({round_ + 1} so far)."
    )


# -- the catalogue -------------------------------------------------------------------------


# -- 9. a2ui: an A2UI agent's JSONL message stream, checked and rendered by genui ----------

_A2UI_SURFACE: Final = "orders"
A2UI_MESSAGES: Final[tuple[dict[str, Any], ...]] = (
    {
        "version": "v0.9",
        "createSurface": {"surfaceId": _A2UI_SURFACE, "catalogId": BASIC_CATALOG_ID},
    },
    {
        "version": "v0.9",
        "updateComponents": {
            "surfaceId": _A2UI_SURFACE,
            "components": [
                {"id": "root", "component": "Card", "child": "body"},
                {"id": "body", "component": "Column", "children": ["title", "orders", "help"]},
                {"id": "title", "component": "Text", "text": "Your orders", "variant": "h2"},
                {
                    "id": "orders",
                    "component": "List",
                    "children": {"componentId": "order", "path": "/orders"},
                },
                {"id": "order", "component": "Text", "text": {"path": "label"}},
                {
                    "id": "help",
                    "component": "Button",
                    "child": "help_text",
                    "action": {
                        "functionCall": {
                            "call": "openUrl",
                            "args": {"url": "javascript:alert(document.cookie)"},
                        }
                    },
                },
                {"id": "help_text", "component": "Text", "text": "Get help"},
            ],
        },
    },
    {
        "version": "v0.9",
        "updateDataModel": {
            "surfaceId": _A2UI_SURFACE,
            "path": "/orders",
            "value": [{"label": "#1041 · 2 books · shipped"}, {"label": "#1042 · a lamp · packed"}],
        },
    },
    {
        "version": "v0.9",
        "updateDataModel": {
            "surfaceId": _A2UI_SURFACE,
            "path": "/orders/1/label",
            "value": "#1042 · a lamp · shipped",
        },
    },
)
"""What the A2UI agent sends, one JSONL line per message (A2UI v0.9, basic catalog)."""


def a2ui(ctx: ScriptContext) -> Iterator[Step]:
    """Feed the A2UI messages to :class:`genui.formats.a2ui.A2UIAdapter` one by one.

    After each, the surface's genui spec replaces what the stream shows; the stream's diff
    sends only what changed, and genui's checks apply as to any spec: the help button's
    ``openUrl`` to a ``javascript:`` URL is refused (reported, shown as inert text).
    """
    adapter = A2UIAdapter()
    for message in A2UI_MESSAGES:
        adapter.feed(message)
        spec = adapter.spec(_A2UI_SURFACE)
        if spec is not None:
            yield Patch([{"op": "replace", "path": "", "value": spec}])
        yield Pause(0.4)
    yield Close()


def _source(value: Mapping[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        Scenario(
            "dashboard",
            "Dashboard, streamed as partial JSON",
            "The agent's JSON arrives 16 characters at a time; each node appears as soon as "
            "it is complete and valid.",
            dashboard,
        ),
        Scenario(
            "deploy",
            "Kept current with JSON Patch",
            "The agent sends RFC 6902 patches; only the changed fragments are re-rendered "
            "and swapped.",
            deploy,
        ),
        Scenario(
            "image",
            "Image generation",
            "Running, partial previews that get sharper, then the final image (drawn in "
            "Python: no network, no API key).",
            image,
            regenerate=True,
        ),
        Scenario(
            "content-filter",
            "Image refused by a content filter",
            "The generation ends in content-filter: an error card, and no image URL is ever "
            "requested.",
            content_filter,
        ),
        Scenario(
            "hostile",
            "A hostile agent",
            "javascript: links, event handlers, raw HTML, style and unknown components, "
            "rendered leniently: what genui removed is listed beside it.",
            hostile,
            renderer="lenient",
            show_report=True,
            source=_source(HOSTILE_SPEC),
        ),
        Scenario(
            "booking",
            "A booking form, answered in place",
            "The agent asks for the details with a Form bound to a declared action; the "
            "submission is verified (signed envelope, single use, inputs model) and answered "
            "on the same stream. Works without JavaScript too.",
            booking,
            actions=True,
            source=_source(BOOKING_SPEC),
        ),
        Scenario(
            "answer",
            "A Markdown answer and a chart",
            "The model's Markdown arrives token by token: finished blocks render as they "
            "complete, the one being written stays plain text; then a chart drawn as SVG on "
            "the server, no script.",
            answer,
        ),
        Scenario(
            "watchlist",
            "State, refreshed by an action",
            "The figures arrive once, in the spec's state; the table and stats bind them. "
            "Refresh prices answers with a patch of /state only: just the nodes that read "
            "what changed are re-sent. Works without JavaScript too.",
            watchlist,
            actions=True,
            source=_source(WATCHLIST_SPEC),
        ),
        Scenario(
            "a2ui",
            "An A2UI agent",
            "The agent speaks A2UI v0.9: createSurface, a flat list of components, then its "
            "data model. genui builds the tree, checks it like its own specs (the help "
            "button's javascript: URL is refused) and streams only what changed.",
            a2ui,
            renderer="lenient",
            show_report=True,
            source="\n".join(json.dumps(m, ensure_ascii=False) for m in A2UI_MESSAGES),
        ),
    )
}
"""The scripted scenarios, in page order."""
