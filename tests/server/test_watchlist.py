"""The demo's watchlist scenario over HTTP: a spec with state, refreshed by an action.

The page is the resolved spec (no binding reaches the browser); "Refresh prices" posts the
button's signed envelope to ``POST /actions``, its handler answers with a patch of
``/state`` only, and the answer (and the run's SSE stream) carries one ``replace`` per node
that reads a changed value: the nodes that read nothing that changed are never re-sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from examples.server.runs import ACTION_ENDPOINT
from examples.server.scenarios import (
    ACTIONS,
    REGISTRY,
    SCENARIOS,
    WATCHLIST_SPEC,
    refresh_patch,
    watchlist_state,
)
from genui import Renderer, SpecStream, validate
from genui.writing import ENVELOPE_FIELD
from tests.dom import Container, normalized
from tests.server.demo import DemoServer
from tests.server.test_server import parse_sse

JSON = {"Accept": "application/json"}
RENDERER = Renderer(registry=REGISTRY, actions=ACTIONS)
VALUE, POSITIONS, TABLE, BUTTON = "/root/1/children/0", "/root/1/children/1", "/root/2", "/root/3"


def button_envelope(html: str) -> str:
    """The envelope of the page's one action button."""
    found: list[str] = re.findall(
        rf'<form class="genui-action"[^>]*>\s*<input type="hidden" name="{ENVELOPE_FIELD}"'
        r' value="([^"]+)"',
        html,
    )
    assert len(found) == 1, html
    return found[0]


def stream_html(page: str) -> str:
    """What the page's stream container holds."""
    found = re.search(
        r'<div class="demo-stream" data-genui-stream="[^"]+"[^>]*>(.*?)</div>\n  </div>\n',
        page,
        flags=re.S,
    )
    assert found is not None, page
    return found.group(1)


def without_button(html: str) -> str:
    """The HTML before the button (signed on the page, disabled in a render without a surface)."""
    return normalized(html[: html.index('data-genui-path="/root/3"')].rsplit("<", 1)[0])


def literal(round_: int) -> dict[str, Any]:
    """The watchlist after ``round_`` refreshes, written out without state."""
    spec = validate({**WATCHLIST_SPEC, "state": watchlist_state(round_)}, actions=ACTIONS).spec
    assert spec is not None
    written: dict[str, Any] = spec.model_dump(mode="json", exclude_defaults=True)
    assert "state" not in written
    return written


def targets(answer: dict[str, Any]) -> list[str]:
    """The nodes an answer re-sends (each one ``replace``)."""
    assert {update["op"] for update in answer["updates"]} == {"replace"}
    return [update["target"] for update in answer["updates"]]


def refresh(server: DemoServer, envelope: str, version: int) -> dict[str, Any]:
    """Press "Refresh prices" as genui.js does; the JSON answer."""
    with server.client() as client:
        answer = client.post(
            ACTION_ENDPOINT,
            data={ENVELOPE_FIELD: envelope},
            headers={**JSON, "GenUI-Version": str(version)},
        )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["ok"] is True and body["version"] == version + 1
    return body


def test_the_refresh_patch_changes_only_state_and_leads_to_the_next_round() -> None:
    for round_ in range(8):
        ops = refresh_patch(round_)
        assert all(op["path"].startswith("/state/") for op in ops)
        stream = SpecStream(renderer=RENDERER)
        stream.apply({**WATCHLIST_SPEC, "state": watchlist_state(round_)})
        stream.apply(ops)
        assert stream.spec is not None
        assert stream.spec.state == watchlist_state(round_ + 1)
    assert SCENARIOS["watchlist"].actions


def test_the_page_shows_the_bound_values_and_no_binding(server: DemoServer) -> None:
    with server.client() as client:
        page = client.get("/scenarios/watchlist").text
    shown = stream_html(page)
    assert "$state" not in shown
    assert shown.count("<tr>") == 1 + 3  # the header and the three rows bound from state
    assert "$17,590.00" in shown and "Initech" in shown and "Umbrella" not in shown
    assert without_button(shown) == without_button(str(RENDERER.render(literal(0))))
    assert 'data-genui-version="1"' in page and f'action="{ACTION_ENDPOINT}"' in shown


def test_refresh_re_sends_only_the_nodes_that_read_what_changed(server: DemoServer) -> None:
    with server.client() as client:
        page = client.get("/scenarios/watchlist").text
    run_id = re.search(r'data-demo-run="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    container = Container(stream_html(page))

    first = refresh(server, button_envelope(page), 1)
    assert first["message"] == "Prices refreshed (1 so far)."
    assert targets(first) == [VALUE, TABLE, BUTTON]  # not the Positions stat nor the heading
    sent = "".join(u["html"] for u in first["updates"])
    assert "$17,602.00" in sent and "$101.80" in sent and "Positions" not in sent
    for update in first["updates"]:
        container.apply(update)

    second = refresh(server, button_envelope(first["updates"][-1]["html"]), 2)
    assert targets(second) == [VALUE, POSITIONS, TABLE, BUTTON]  # a position was added
    for update in second["updates"]:
        container.apply(update)
    assert "Umbrella" in container.html() and container.html().count("<tr>") == 1 + 4

    run = server.run(run_id)
    assert run.main.spec is not None and run.main.spec.state == watchlist_state(2)
    assert container.html() == normalized(str(run.main.html()))
    with server.client() as client:  # a client at version 1 gets the same updates, then the end
        frames = parse_sse(client.get(f"/stream/{run_id}", headers={"Last-Event-ID": "1"}).text)
    assert [(f.event, f.id) for f in frames] == [("genui", 3), ("genui-end", 3)]
    missed = json.loads(frames[0].data)["updates"]
    assert missed == first["updates"] + second["updates"]
    replayed = Container(stream_html(page))
    for update in missed:
        replayed.apply(update)
    assert replayed.html() == container.html()
    assert without_button(container.html()) == without_button(str(RENDERER.render(literal(2))))


def test_the_envelope_of_a_refreshed_button_is_stale(server: DemoServer) -> None:
    with server.client() as client:
        page = client.get("/scenarios/watchlist").text
        old = button_envelope(page)
        refresh(server, old, 1)
        again = client.post(ACTION_ENDPOINT, data={ENVELOPE_FIELD: old}, headers=JSON)
    assert again.status_code == 409 and again.json()["code"] == "replayed"


def test_without_javascript_a_refresh_redirects_to_the_page_with_the_new_prices(
    server: DemoServer,
) -> None:
    with server.client() as client:
        page = client.get("/scenarios/watchlist").text
        posted = client.post(ACTION_ENDPOINT, data={ENVELOPE_FIELD: button_envelope(page)})
        assert posted.status_code == 303
        shown = client.get(posted.headers["location"]).text
    assert posted.headers["location"].startswith("/scenarios/watchlist?run=")
    assert "$17,602.00" in stream_html(shown) and "$17,590.00" not in stream_html(shown)
    assert 'data-genui-version="2"' in shown
    assert without_button(stream_html(shown)) == without_button(str(RENDERER.render(literal(1))))
