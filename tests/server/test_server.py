"""The demo server (examples/server) over real HTTP: endpoints, limits, SSE resume, disconnects.

Every test talks to a uvicorn server started on a free loopback port in a background thread,
so client disconnects, streaming and lifespan behave as in production.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import html5lib
import httpx
import pytest

from examples.server.app import CONTENT_SECURITY_POLICY, create_app
from examples.server.background import serve_in_thread
from examples.server.imagegen import (
    HEIGHT,
    WIDTH,
    ImageSlot,
    SlotMode,
    image_component_has_status,
    scene_png,
)
from examples.server.scenarios import DASHBOARD_SPEC, SCENARIOS, ScriptContext
from genui import SpecStream, render
from genui.static import STATIC_DIR
from tests.dom import Container, normalized
from tests.server.demo import DemoServer
from tests.support import REPO_ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# -- helpers -------------------------------------------------------------------------------


@dataclass
class Frame:
    event: str
    data: str
    id: int | None


def parse_sse(text: str) -> list[Frame]:
    """Events in an SSE body (comments and retry-only blocks skipped)."""
    frames = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields[name] = value[1:] if value.startswith(" ") else value
        if "data" in fields:
            event_id = int(fields["id"]) if "id" in fields else None
            frames.append(Frame(fields.get("event", "message"), fields["data"], event_id))
    return frames


class EventReader:
    """Reads events from a streaming response, keeping the connection open in between.

    (Abandoning a half-read ``iter_text()`` generator closes httpx's connection.)
    """

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.iter_text()
        self._buffer = ""

    def read(self, count: int) -> list[Frame]:
        frames: list[Frame] = []
        while len(frames) < count:
            while "\n\n" not in self._buffer:
                self._buffer += next(self._chunks)
            block, self._buffer = self._buffer.split("\n\n", 1)
            frames.extend(parse_sse(block + "\n\n"))
        return frames


def read_events(response: httpx.Response, limit: int) -> list[Frame]:
    """The first ``limit`` events of a streaming response."""
    return EventReader(response).read(limit)


def apply_frames(container: Container, frames: list[Frame]) -> None:
    """Apply every update batch in ``frames`` to ``container``."""
    for frame in frames:
        if frame.event == "genui":
            for update in json.loads(frame.data)["updates"]:
                container.apply(update)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


# -- pages and security headers ------------------------------------------------------------


def test_index_page_has_a_panel_per_scenario_and_strict_security_headers(
    server: DemoServer,
) -> None:
    with server.client() as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    streams = re.findall(r'data-genui-stream="([^"]+)"', response.text)
    reports = sum(scenario.show_report for scenario in SCENARIOS.values())
    assert len(streams) == len(SCENARIOS) + reports  # + each report channel
    for name in SCENARIOS:
        assert f'id="{name}"' in response.text


def test_pages_carry_no_inline_script_style_or_handlers(server: DemoServer) -> None:
    with server.client() as client:
        pages = [client.get("/").text, *(client.get(f"/scenarios/{n}").text for n in SCENARIOS)]
    for text in pages:
        document = html5lib.parse(text, treebuilder="dom", namespaceHTMLElements=False)
        scripts = document.getElementsByTagName("script")
        assert [s.getAttribute("src") for s in scripts] == ["/static/genui.js"]
        assert all(not s.childNodes for s in scripts)
        assert not document.getElementsByTagName("style")
        for element in document.getElementsByTagName("*"):
            names = [element.attributes.item(i).name for i in range(element.attributes.length)]
            assert "style" not in names
            assert not [n for n in names if n.lower().startswith("on")], names
        stylesheets = [
            link.getAttribute("href")
            for link in document.getElementsByTagName("link")
            if link.getAttribute("rel") == "stylesheet"
        ]
        assert stylesheets == ["/static/genui.css", "/static/demo.css"]


def test_security_headers_are_on_every_response_including_errors_and_streams(
    server: DemoServer,
) -> None:
    run_id = server.new_run("deploy")
    with server.client() as client:
        responses = [
            client.get("/nope"),
            client.get("/static/genui.js"),
            client.post("/render", content=b"{"),
            client.get(f"/stream/{run_id}"),
        ]
    for response in responses:
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"


def test_static_files_come_from_genui_static_dir(server: DemoServer) -> None:
    with server.client() as client:
        script = client.get("/static/genui.js")
        css = client.get("/static/genui.css")
        demo = client.get("/static/demo.css")
        missing = [client.get(p).status_code for p in ("/static/x.js", "/static/..%2Fapp.py")]
        traversal = client.get("/static/../examples/server/app.py").status_code
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.content == (STATIC_DIR / "genui.js").read_bytes()
    assert css.content == (STATIC_DIR / "genui.css").read_bytes()
    assert css.headers["content-type"].startswith("text/css")
    assert demo.status_code == 200
    assert missing == [404, 404]
    assert traversal == 404


def test_unknown_scenario_page_is_404(server: DemoServer) -> None:
    with server.client() as client:
        response = client.get("/scenarios/nope")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


# -- /validate and /render -----------------------------------------------------------------

VALID = {"root": {"component": "Text", "props": {"text": "hello"}}}


def test_validate_accepts_a_valid_spec(server: DemoServer) -> None:
    with server.client() as client:
        response = client.post("/validate", json=VALID)
    assert response.status_code == 200
    assert response.json() == {"valid": True}


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        pytest.param(b"{not json", "", None, id="invalid-json"),
        pytest.param({"root": {"props": {}}}, "/root/component", None, id="missing-component"),
        pytest.param(
            {"root": [{"component": "Nope"}]},
            "/root/0/component",
            "unknown_component",
            id="unknown",
        ),
        pytest.param(
            {"root": {"component": "Button", "props": {"label": "x", "onclick": "alert(1)"}}},
            "/root/props/onclick",
            "event_handler",
            id="event-handler",
        ),
        pytest.param(
            {"root": {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "x"}}},
            "/root/props/href",
            None,
            id="javascript-url",
        ),
    ],
)
def test_validate_answers_422_with_paths_and_codes(
    server: DemoServer, body: Any, path: str, code: str | None
) -> None:
    with server.client() as client:
        if isinstance(body, bytes):
            response = client.post("/validate", content=body)
        else:
            response = client.post("/validate", json=body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"path", "code", "message", "hint"} for e in errors)
    assert errors[0]["path"] == path
    if code is not None:
        assert errors[0]["code"] == code


def test_render_returns_the_same_fragment_as_genui_render(server: DemoServer) -> None:
    with server.client() as client:
        response = client.post("/render", json=DASHBOARD_SPEC)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == str(render(DASHBOARD_SPEC))
    assert response.headers["x-genui-sanitized"] == "0"


def test_render_drops_unsafe_urls_and_counts_them(server: DemoServer) -> None:
    spec = {"root": {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "x"}}}
    with server.client() as client:
        response = client.post("/render", json=spec)
    assert response.status_code == 200
    assert "javascript" not in response.text
    assert response.headers["x-genui-sanitized"] == "1"


def test_render_answers_422_json_for_invalid_specs(server: DemoServer) -> None:
    with server.client() as client:
        response = client.post("/render", json={"root": {"component": "Nope"}})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    error = response.json()["errors"][0]
    assert {key: error[key] for key in ("path", "code", "message")} == {
        "path": "/root/component",
        "code": "unknown_component",
        "message": "unknown component 'Nope'",
    }
    assert "use one of: Alert, Badge" in error["hint"]


@pytest.mark.parametrize("endpoint", ["/validate", "/render"])
def test_bodies_over_the_limit_are_refused_with_413(
    serve: Callable[..., DemoServer], endpoint: str
) -> None:
    server = serve(max_body_bytes=1024)
    big = json.dumps({"root": {"component": "Text", "props": {"text": "x" * 2000}}}).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        for start in range(0, len(big), 256):
            yield big[start : start + 256]

    with server.client() as client:
        declared = client.post(endpoint, content=big)
        streamed = client.post(endpoint, content=chunks())
        small = client.post(endpoint, json=VALID)
    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert declared.json()["errors"][0]["code"] == "too_large"
    assert small.status_code == 200


def test_the_default_body_limit_is_one_mebibyte(server: DemoServer) -> None:
    assert server.app.state.config.max_body_bytes == 1 << 20
    with server.client() as client:
        response = client.post("/validate", content=b" " * ((1 << 20) + 1))
    assert response.status_code == 413


# -- SSE streams ---------------------------------------------------------------------------


def stream_all(server: DemoServer, run_id: str, channel: str = "", **headers: str) -> list[Frame]:
    suffix = f"/{channel}" if channel else ""
    with server.client() as client:
        response = client.get(f"/stream/{run_id}{suffix}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    return parse_sse(response.text)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_stream_ends_with_its_final_html_and_ids_that_only_grow(
    server: DemoServer, scenario: str
) -> None:
    run_id = server.new_run(scenario)
    frames = stream_all(server, run_id)
    assert frames[-1].event == "genui-end"
    ids = [f.id for f in frames[:-1] if f.id is not None]
    assert len(ids) == len(frames) - 1, "every update event has an id"
    assert ids == sorted(set(ids)), "event ids must strictly increase"
    run = server.run(run_id)
    assert run.done and run.error is None
    assert frames[-1].id == run.main.version
    container = Container()
    apply_frames(container, frames)
    assert container.html() == normalized(str(run.main.html()))


def test_a_reconnect_with_last_event_id_replays_exactly_the_missed_batches(
    serve: Callable[..., DemoServer],
) -> None:
    server = serve(speed=0.3)
    run_id = server.new_run("dashboard")
    with server.client() as client, client.stream("GET", f"/stream/{run_id}") as response:
        first = read_events(response, limit=3)
    last_id = first[-1].id
    assert last_id is not None
    second = stream_all(server, run_id, **{"Last-Event-ID": str(last_id)})
    assert second[-1].event == "genui-end"
    numbered = [f.id for f in second if f.event == "genui"]
    assert all(i is not None and i > last_id for i in numbered), (last_id, numbered)
    container = Container()
    apply_frames(container, first + second)
    run = server.run(run_id)
    assert container.html() == normalized(str(run.main.html()))
    assert run.resumed_from == [None, last_id]


def test_a_reconnect_with_an_unknown_id_gets_one_reset(server: DemoServer) -> None:
    run_id = server.new_run("deploy")
    stream_all(server, run_id)
    frames = stream_all(server, run_id, **{"Last-Event-ID": "999999"})
    assert [f.event for f in frames] == ["genui", "genui-end"]
    updates = json.loads(frames[0].data)["updates"]
    assert [u["op"] for u in updates] == ["reset"]


def test_a_client_that_reconnects_like_eventsource_loses_and_duplicates_nothing(
    serve: Callable[..., DemoServer],
) -> None:
    # The server closes every connection after 2 events; reconnect with the last id seen,
    # as EventSource does, until the end event.
    server = serve(speed=0.05, drop_stream_after=2)
    for scenario in ("dashboard", "deploy", "image"):
        run_id = server.new_run(scenario)
        frames: list[Frame] = []
        last: str | None = None
        for _ in range(200):
            headers = {"Last-Event-ID": last} if last is not None else {}
            batch = stream_all(server, run_id, **headers)
            frames.extend(batch)
            numbered = [f.id for f in batch if f.id is not None]
            last = str(numbered[-1]) if numbered else last
            if batch and batch[-1].event == "genui-end":
                break
        run = server.run(run_id)
        assert run.connections >= 2, scenario
        ids = [f.id for f in frames if f.event == "genui" and f.id is not None]
        assert ids == sorted(set(ids)), f"{scenario}: duplicated or reordered batches: {ids}"
        container = Container()
        apply_frames(container, frames)
        assert container.html() == normalized(str(run.main.html())), scenario


def test_the_stream_starts_with_a_retry_hint(server: DemoServer) -> None:
    run_id = server.new_run("deploy")
    with server.client() as client:
        text = client.get(f"/stream/{run_id}").text
    assert text.startswith("retry: 1000\n\n")


def test_unknown_runs_and_channels_are_404(server: DemoServer) -> None:
    run_id = server.new_run("dashboard")
    with server.client() as client:
        assert client.get("/stream/doesnotexist").status_code == 404
        assert client.get(f"/stream/{run_id}/report").status_code == 404
        assert client.get("/stream/bad%20id").status_code == 404
        assert client.get("/runs/doesnotexist").status_code == 404


def test_too_many_agents_answer_503(serve: Callable[..., DemoServer]) -> None:
    server = serve(max_active_agents=0)
    run_id = server.new_run("dashboard")
    with server.client() as client:
        response = client.get(f"/stream/{run_id}")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "busy"


def test_a_client_disconnecting_mid_stream_leaves_no_task_behind(
    serve: Callable[..., DemoServer],
) -> None:
    server = serve(speed=1.0, abandon_after=0.2)
    run_id = server.new_run("dashboard")
    with server.client() as client, client.stream("GET", f"/stream/{run_id}") as response:
        reader = EventReader(response)
        reader.read(2)
        assert server.manager.active_streams == 1
        assert server.manager.active_agents == 1
    # The connection is closed: the SSE generator ends, then the unwatched agent is cancelled.
    assert wait_until(lambda: server.manager.active_streams == 0), "SSE task leaked"
    assert wait_until(lambda: server.manager.active_agents == 0), "agent task leaked"
    run = server.run(run_id)
    assert run.done
    assert run.error == "The agent was stopped."
    assert run.task is not None and run.task.done()


def test_an_agent_keeps_running_while_a_client_briefly_reconnects(
    serve: Callable[..., DemoServer],
) -> None:
    server = serve(speed=0.3, abandon_after=5)
    run_id = server.new_run("dashboard")
    with server.client() as client, client.stream("GET", f"/stream/{run_id}") as response:
        first = read_events(response, limit=2)
    assert wait_until(lambda: server.manager.active_streams == 0)
    second = stream_all(server, run_id, **{"Last-Event-ID": str(first[-1].id)})
    assert second[-1].event == "genui-end"
    assert server.run(run_id).error is None


def test_an_agent_over_its_timeout_is_stopped_and_says_so(serve: Callable[..., DemoServer]) -> None:
    server = serve(speed=1.0, scenario_timeout=0.3)
    run_id = server.new_run("dashboard")
    frames = stream_all(server, run_id)
    assert frames[-1].event == "genui-end"
    error = frames[-2]
    assert error.event == "genui" and error.id is None  # not part of the resumable history
    assert "did not finish within 0.3 s" in json.loads(error.data)["updates"][0]["html"]
    assert server.manager.active_agents == 0


def test_shutting_the_server_down_cancels_running_agents() -> None:
    app = create_app(speed=1.0, abandon_after=60)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        page = client.get("/scenarios/dashboard").text
        run_id = re.findall(r'data-genui-stream="/stream/([^"]+)"', page)[0]
        with client.stream("GET", f"/stream/{run_id}") as response:
            read_events(response, limit=1)
        assert app.state.manager.active_agents == 1
    assert app.state.manager.active_agents == 0
    assert app.state.manager.active_streams == 0


# -- scenarios -----------------------------------------------------------------------------


def test_the_content_filter_stream_never_mentions_an_image_url(server: DemoServer) -> None:
    run_id = server.new_run("content-filter")
    frames = stream_all(server, run_id)
    text = "".join(f.data for f in frames)
    assert "<img" not in text
    assert "/images/" not in text
    assert "Image could not be generated" in text


def test_the_image_stream_shows_previews_then_serves_the_final_png(server: DemoServer) -> None:
    run_id = server.new_run("image")
    stream_all(server, run_id)
    final = f"/images/{run_id}-1.png"
    assert final in str(server.run(run_id).main.html())
    with server.client() as client:
        for index in range(3):  # (that they are shown is checked in the browser tests)
            preview = client.get(f"/images/{run_id}-1-partial-{index}.png")
            assert preview.status_code == 200
            assert preview.content == scene_png(1, (24, 12, 6)[index])
        image = client.get(final)
        assert client.get("/images/nope.png").status_code == 404
    assert image.headers["content-type"] == "image/png"
    assert image.content == scene_png(1, 1)


def test_the_hostile_stream_keeps_no_script_and_reports_what_it_removed(server: DemoServer) -> None:
    run_id = server.new_run("hostile")
    frames = stream_all(server, run_id)
    html = str(server.run(run_id).main.html())
    container = Container()
    container.apply({"op": "reset", "target": "", "html": html})
    elements = container.root.getElementsByTagName("*")
    assert elements
    for element in elements:
        assert element.tagName not in {"script", "iframe", "object", "embed", "style"}
        for name, value in element.attributes.items():
            assert not name.startswith("on") and name not in {"style", "srcdoc"}, name
            squashed = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not squashed.startswith(("javascript:", "vbscript:", "data:text")), value
    assert "unknown component" in html
    assert frames[-1].event == "genui-end"
    report = Container()
    apply_frames(report, stream_all(server, run_id, "report"))
    text = report.html()
    for reason in ("unsafe_url_scheme", "event_handler", "style", "raw_html", "unknown_component"):
        assert reason in text
    assert "javascript:alert('link')" in report.root.toxml()  # shown, as text
    assert not report.root.getElementsByTagName("script")


def test_regenerate_plays_the_image_again_with_the_next_attempt(server: DemoServer) -> None:
    run_id = server.new_run("image")
    first = stream_all(server, run_id)
    with server.client() as client:
        response = client.post(
            "/regenerate", data={"genui_key": f"image-{run_id}", "genui_path": "/root/2"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/scenarios/image?run={run_id}"
        page = client.get(response.headers["location"]).text
        assert f'data-genui-stream="/stream/{run_id}"' in page
        state = client.get(f"/runs/{run_id}").json()
    assert state["attempt"] == 2
    second = stream_all(server, run_id, **{"Last-Event-ID": str(first[-1].id)})
    assert second[-1].event == "genui-end"
    html = str(server.run(run_id).main.html())
    assert f"/images/{run_id}-2.png" in html
    assert f"/images/{run_id}-1.png" not in html


def test_regenerate_refuses_other_scenarios_and_unknown_runs(server: DemoServer) -> None:
    run_id = server.new_run("dashboard")
    with server.client() as client:
        other = client.post("/regenerate", data={"genui_key": f"image-{run_id}"})
        unknown = client.post("/regenerate", data={"genui_key": "image-nope"})
        garbage = client.post("/regenerate", data={"genui_key": "x" * 100})
    assert other.status_code == 409
    assert unknown.status_code == 404
    assert garbage.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil"}],
)
def test_regenerate_refuses_cross_site_posts(server: DemoServer, headers: dict[str, str]) -> None:
    run_id = server.new_run("image")
    stream_all(server, run_id)
    with server.client() as client:
        refused = client.post("/regenerate", data={"genui_key": f"image-{run_id}"}, headers=headers)
        state = client.get(f"/runs/{run_id}").json()
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "cross_site"
    assert state["attempt"] == 1  # nothing was played again


def test_scenarios_are_deterministic_scripts() -> None:
    context = ScriptContext("run1", attempt=1)
    for scenario in SCENARIOS.values():
        first = list(scenario.script(context))  # type: ignore[arg-type]
        second = list(scenario.script(context))  # type: ignore[arg-type]
        assert first == second, scenario.name


def test_two_runs_of_a_scenario_render_the_same_html(server: DemoServer) -> None:
    htmls = []
    for _ in range(2):
        run_id = server.new_run("image")
        stream_all(server, run_id)
        htmls.append(str(server.run(run_id).main.html()).replace(run_id, "RUN"))
    assert htmls[0] == htmls[1]


def test_generated_images_are_valid_pngs_that_sharpen() -> None:
    final = scene_png(1, 1)
    assert final.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(final[16:20], "big") == WIDTH
    assert int.from_bytes(final[20:24], "big") == HEIGHT
    length = int.from_bytes(final[33:37], "big")
    raw = zlib.decompress(final[41 : 41 + length])
    assert len(raw) == HEIGHT * (1 + 3 * WIDTH)
    sizes = [len(scene_png(1, block)) for block in (24, 12, 6, 1)]
    assert sizes == sorted(sizes), "each preview carries more detail than the last"
    assert scene_png(2, 1) != final


@pytest.mark.parametrize("mode", ["images", "status", "legacy"])
def test_image_slot_drives_every_state_in_each_mode(mode: SlotMode) -> None:
    if mode == "images":
        pytest.importorskip("genui.images")
    if mode == "status" and not image_component_has_status():
        pytest.skip("this genui's Image component has no status prop")
    slot = ImageSlot("/root/1", alt="A test image", filename="test.png", key="k", mode=mode)
    heading = {"component": "Heading", "props": {"text": "Images"}}
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": [heading]}, *slot.started()])
    assert "<img" not in str(stream.html())
    for index in range(3):
        stream.apply(slot.partial(f"/images/p{index}.png", index, 3))
        assert f'src="/images/p{index}.png"' in str(stream.html())
    stream.apply(slot.completed("/images/final.png"))
    html = str(stream.html())
    assert 'src="/images/final.png"' in html and "/images/p2.png" not in html
    assert 'data-genui-key="k"' in html

    refused = SpecStream()
    refused.apply([{"op": "add", "path": "/root", "value": [heading]}, *slot.started()])
    refused.apply(slot.failed("Rejected by the safety system (content_policy_violation)"))
    html = str(refused.html())
    assert "Image could not be generated" in html
    assert "<img" not in html and "/images/" not in html


def test_the_live_model_is_off_unless_asked_for_and_keyed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-never-used")
    assert "live" not in create_app().state.manager.scenarios
    monkeypatch.delenv("OPENAI_API_KEY")
    assert "live" not in create_app(live=True).state.manager.scenarios


# -- make demo -----------------------------------------------------------------------------


def test_demo_script_prints_the_url_and_serves_on_loopback() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "PYTHONUNBUFFERED": "1"}
    env.pop("HOST", None)
    process = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "examples" / "demo.py")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd="/",
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        ok = wait_until(lambda: _get_ok(f"http://127.0.0.1:{port}/"), timeout=15)
        assert ok, "the demo server did not answer"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_a2ui_scenario_renders_the_agents_surface_and_refuses_its_javascript_url(
    server: DemoServer,
) -> None:
    run_id = server.new_run("a2ui")
    stream_all(server, run_id)
    stream = server.run(run_id).main
    html = str(stream.html())
    assert "#1041 · 2 books · shipped" in html and "#1042 · a lamp · shipped" in html
    assert "javascript" not in html.lower()
    assert [(event.prop, event.reason) for event in stream.report.events] == [
        ("href", "unsafe_url_scheme")
    ]
