"""genui.starlette: the action endpoint, through Starlette's TestClient, JSON and no-JS answers."""

from __future__ import annotations

import asyncio
import datetime
import logging
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.testclient import TestClient

from genui import (
    Action,
    ActionEvent,
    ActionGate,
    ActionReply,
    Actions,
    GenerativeUIActionError,
    Renderer,
    SpecStream,
    StreamSurfaces,
)
from genui.errors import ErrorDetail
from genui.gate import MAX_FIELDS
from genui.spec import GenerativeUISpec
from genui.starlette import MAX_BODY_BYTES, ActionEndpoint, mount_actions
from genui.writing import ENVELOPE_FIELD, FormFeedback

KEY = "s" * 32
SURFACE = "s1"
JSON = {"Accept": "application/json"}
FUTURE = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


class Restaurant(BaseModel):
    """The agent's parameters."""

    restaurant: str


class Booking(BaseModel):
    """What the person types."""

    model_config = ConfigDict(extra="forbid")

    date: datetime.date
    party_size: int = Field(ge=1, le=12)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


CONFIRMED: dict[str, Any] = {
    "root": {"component": "Alert", "props": {"tone": "success"}, "children": ["Booked."]}
}


def _actions() -> Actions:
    actions = Actions()

    @actions.action(params=Restaurant, inputs=Booking, description="Book a table")
    def book_table(event: ActionEvent[Restaurant, Booking]) -> ActionReply:
        if event.inputs.email == "taken@example.com":
            detail = ErrorDetail("/email", "taken", "This address has a booking already.")
            raise GenerativeUIActionError(
                "some fields need attention", code="invalid_input", status=422, details=[detail]
            )
        return ActionReply(spec=CONFIRMED, message="booked", data={"party": 4})

    @actions.action()
    def ping(event: ActionEvent[Any, None]) -> ActionReply:
        return ActionReply(patches=[{"op": "replace", "path": "/root/1/props/label", "value": "2"}])

    @actions.action()
    async def leave(event: ActionEvent[Any, None]) -> ActionReply:
        return ActionReply(message="bye", redirect="/elsewhere")

    @actions.action()
    def nothing(event: ActionEvent[Any, None]) -> None:
        return None

    @actions.action()
    def crash(event: ActionEvent[Any, None]) -> None:
        raise RuntimeError("secret internals")

    @actions.action()
    def broken(event: ActionEvent[Any, None]) -> ActionReply:
        return ActionReply(spec={"root": {"component": "Nope"}})

    @actions.action()
    def sold_out(event: ActionEvent[Any, None]) -> None:
        raise GenerativeUIActionError("<b>sold out</b>", code="sold_out", status=409)

    return actions


def _button(name: str, label: str) -> dict[str, Any]:
    return {"component": "Button", "props": {"label": label, "action": {"name": name}}}


def _field(name: str, label: str, kind: str) -> dict[str, Any]:
    props = {"name": name, "label": label, "kind": kind, "required": True}
    return {"component": "TextInput", "props": props}


SPEC: dict[str, Any] = {
    "root": [
        {
            "component": "Form",
            "props": {
                "action": {"name": "book_table", "params": {"restaurant": "Chez Lou"}},
                "title": "Book a table",
            },
            "children": [
                _field("date", "Date", "date"),
                _field("party_size", "Party size", "number"),
                _field("email", "Email", "email"),
            ],
        },
        _button("ping", "1"),
        _button("leave", "Leave"),
        _button("nothing", "Nothing"),
        _button("crash", "Crash"),
        _button("broken", "Broken"),
        _button("sold_out", "Sold out"),
        _button("forget", "Forget"),
    ]
}
PATHS = {
    "book_table": "/root/0",
    "ping": "/root/1",
    "leave": "/root/2",
    "nothing": "/root/3",
    "crash": "/root/4",
    "broken": "/root/5",
    "sold_out": "/root/6",
    "forget": "/root/7",
}


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Demo:
    """An app with one surface, its stream and what the hooks saw."""

    client: TestClient
    stream: SpecStream
    gate: ActionGate
    clock: Clock
    applied: list[str] = field(default_factory=list)
    pages: list[FormFeedback | None] = field(default_factory=list)

    def envelope(self, action: str, html: str | None = None) -> str:
        """The envelope of ``action``'s form in ``html`` (default: the stream's HTML)."""
        text = str(self.stream.html()) if html is None else html
        path = re.escape(PATHS[action])
        found = re.search(
            rf'data-genui-path="{path}"[^>]*>\s*<input type="hidden" name="{ENVELOPE_FIELD}"'
            r' value="([^"]+)"',
            text,
        )
        assert found is not None, action
        return found.group(1)

    def post(
        self, action: str, fields: dict[str, str] | None = None, /, **headers: str
    ) -> Any:  # the TestClient's response (httpx2's or httpx's, whichever is installed)
        """Submit ``action``'s form with ``fields``."""
        data = {ENVELOPE_FIELD: self.envelope(action), **(fields or {})}
        return self.client.post("/actions", data=data, headers=headers, follow_redirects=False)


GOOD = {"date": FUTURE, "party_size": "4", "email": "lou@example.com"}
BAD = {"date": FUTURE, "party_size": "40", "email": "not-an-email"}


def _app(
    *,
    page: bool = True,
    async_page: bool = False,
    back: Callable[[Request, ActionEvent[Any, Any]], str] | None = None,
    session: str | None = None,
) -> Demo:
    actions = _actions()
    clock = Clock()
    surfaces = StreamSurfaces()
    gate = ActionGate(actions, KEY, surfaces=surfaces, endpoint="/actions", clock=clock)

    def forget(event: ActionEvent[Any, None]) -> ActionReply:
        surfaces.remove(event.source.surface)
        return ActionReply(message="forgotten")

    actions.add(Action("forget", forget))
    renderer = Renderer(actions=actions)
    stream = surfaces.add(
        SpecStream(renderer=renderer, surface=gate.surface(SURFACE, session=session))
    )
    stream.replace(SPEC)
    demo: Demo

    def show(request: Request, surface: str, feedback: FormFeedback | None) -> HTMLResponse:
        demo.pages.append(feedback)
        spec = surfaces.current(surface)
        assert isinstance(spec, GenerativeUISpec)
        html = renderer.render(spec, surface=gate.surface(surface), feedback=feedback)
        return HTMLResponse(f"<main>{html}</main>")

    async def show_later(
        request: Request, surface: str, feedback: FormFeedback | None
    ) -> HTMLResponse:
        return show(request, surface, feedback)

    endpoint = ActionEndpoint(
        gate,
        back=back or (lambda request, event: f"/page?surface={event.source.surface}"),
        page=(show_later if async_page else show) if page else None,
        session=lambda request: request.cookies.get("session"),
        on_applied=lambda surface: demo.applied.append(surface),
    )
    app = Starlette()
    mount_actions(app, endpoint)
    demo = Demo(TestClient(app, raise_server_exceptions=False), stream, gate, clock)
    return demo


@pytest.fixture
def demo() -> Iterator[Demo]:
    built = _app()
    with built.client:
        yield built


# -- success -------------------------------------------------------------------------------


def test_json_success_answers_the_reply_and_the_updates_since_the_client_version(
    demo: Demo,
) -> None:
    before = demo.stream.version
    response = demo.post("book_table", GOOD, **JSON, **{"GenUI-Version": str(before)})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["ok"] is True
    assert body["message"] == "booked"
    assert body["redirect"] is None
    assert body["data"] == {"party": 4}
    assert body["version"] == demo.stream.version == before + 1
    assert "Booked." in "".join(update["html"] for update in body["updates"])
    assert body["updates"] == [u.to_dict() for u in demo.stream.updates_since(before) or []]
    assert demo.applied == [SURFACE]


def test_a_client_behind_catches_up_exactly_once_and_one_too_far_ahead_gets_a_reset(
    demo: Demo,
) -> None:
    demo.post("ping", **JSON)  # the page at version 1 has not seen this one
    behind = demo.post("book_table", GOOD, **JSON, **{"GenUI-Version": "1"}).json()
    assert behind["updates"] == [u.to_dict() for u in demo.stream.updates_since(1) or []]
    assert len(behind["updates"]) == 2  # the ping's update and the booking's

    other = _app()
    ahead = other.post("ping", **JSON, **{"GenUI-Version": "999"}).json()
    assert [u["op"] for u in ahead["updates"]] == ["reset"]
    assert ahead["updates"][0]["html"] == str(other.stream.html())


def test_without_a_usable_version_header_the_reply_s_own_updates_are_sent(demo: Demo) -> None:
    for headers in ({}, {"GenUI-Version": "abc"}, {"GenUI-Version": "-1"}):
        fresh = _app()
        body = fresh.post("ping", **JSON, **headers).json()
        assert [u["target"] for u in body["updates"]] == ["/root/1"], headers
        assert body["version"] == fresh.stream.version


def test_json_is_chosen_from_any_accept_list_naming_it(demo: Demo) -> None:
    response = demo.post("nothing", Accept="text/html, application/json;q=0.9")
    assert response.json() == {
        "ok": True,
        "message": None,
        "redirect": None,
        "version": demo.stream.version,
        "updates": [],
        "data": {},
    }
    assert demo.applied == []  # nothing to apply: subscribers are not woken


def test_no_js_success_is_a_303_to_back_and_the_reply_s_redirect_wins(demo: Demo) -> None:
    response = demo.post("book_table", GOOD)
    assert response.status_code == 303
    assert response.headers["location"] == f"/page?surface={SURFACE}"
    assert "Booked." in str(demo.stream.html())

    other = _app()
    leave = other.post("leave")
    assert leave.status_code == 303
    assert leave.headers["location"] == "/elsewhere"
    json_leave = _app().post("leave", **JSON).json()
    assert json_leave["redirect"] == "/elsewhere"
    assert json_leave["message"] == "bye"


def test_a_back_callback_naming_another_site_is_a_500_not_an_open_redirect() -> None:
    demo = _app(back=lambda request, event: "https://evil.example/")
    response = demo.post("ping")
    assert response.status_code == 500
    assert "evil" not in response.text


def test_multipart_forms_without_files_are_read(demo: Demo) -> None:
    files = {ENVELOPE_FIELD: (None, demo.envelope("book_table"))}
    files.update({name: (None, value) for name, value in GOOD.items()})
    response = demo.client.post("/actions", files=files, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True


def test_a_surface_gone_by_the_time_of_the_answer_has_no_version_or_updates(demo: Demo) -> None:
    body = demo.post("forget", **JSON, **{"GenUI-Version": "1"}).json()
    assert (body["ok"], body["message"], body["version"], body["updates"]) == (
        True,
        "forgotten",
        None,
        [],
    )


# -- invalid input ---------------------------------------------------------------------------


def test_invalid_input_as_json_names_each_field(demo: Demo) -> None:
    response = demo.post("book_table", BAD, **JSON)
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert body["code"] == "invalid_input"
    assert {error["field"] for error in body["errors"]} == {"party_size", "email"}
    assert all(error["message"] for error in body["errors"])
    assert demo.applied == []
    assert demo.post("book_table", GOOD, **JSON).json()["ok"] is True  # envelope still usable


@pytest.mark.parametrize("async_page", [False, True])
def test_invalid_input_without_js_is_the_page_again_with_inline_errors(async_page: bool) -> None:
    demo = _app(async_page=async_page)
    response = demo.post("book_table", BAD)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert html.count('aria-invalid="true"') == 2
    assert 'value="40"' in html and 'value="not-an-email"' in html
    assert f'value="{FUTURE}"' in html
    assert html.count(" autofocus") == 1
    feedback = demo.pages[-1]
    assert feedback is not None and feedback.path == "/root/0"
    assert set(feedback.errors) == {"party_size", "email"}


def test_a_handler_refusing_input_gets_the_same_inline_errors(demo: Demo) -> None:
    taken = {**GOOD, "email": "taken@example.com"}
    json_answer = demo.post("book_table", taken, **JSON)
    assert json_answer.status_code == 422
    assert json_answer.json()["errors"] == [
        {"field": "email", "message": "This address has a booking already."}
    ]
    other = _app()
    page = other.post("book_table", taken)
    assert page.status_code == 422
    assert "This address has a booking already." in page.text
    assert other.pages[-1] is not None and other.pages[-1].path == "/root/0"


def test_invalid_input_without_a_page_callback_is_the_refusal_page() -> None:
    demo = _app(page=False)
    response = demo.post("book_table", BAD)
    assert response.status_code == 422
    assert "some fields need attention" in response.text
    assert '<a href="/">' in response.text


# -- refusals ----------------------------------------------------------------------------------


def _tampered(envelope: str) -> str:
    index = len(envelope) // 2
    return envelope[:index] + ("A" if envelope[index] != "A" else "B") + envelope[index + 1 :]


def test_a_tampered_envelope_is_refused_in_json_and_as_a_page(demo: Demo) -> None:
    data = {ENVELOPE_FIELD: _tampered(demo.envelope("ping"))}
    answer = demo.client.post("/actions", data=data, headers=JSON)
    assert answer.status_code == 400
    assert answer.json() == {
        "ok": False,
        "code": "tampered",
        "message": answer.json()["message"],
        "errors": [],
    }
    page = demo.client.post("/actions", data=data)
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "Not done (400)" in page.text and '<a href="/">Go back</a>' in page.text


def test_the_refusal_page_escapes_the_message_and_links_back_to_a_same_site_referer(
    demo: Demo,
) -> None:
    page = demo.post("sold_out", Referer="http://testserver/page?surface=s1")
    assert page.status_code == 409
    assert "&lt;b&gt;sold out&lt;/b&gt;" in page.text and "<b>" not in page.text
    assert '<a href="/page?surface=s1">' in page.text
    assert '<a href="/">' in _app().post("sold_out", Referer="https://evil.example/x").text
    assert '<a href="/">' in _app().post("sold_out", Referer="http://testserver//evil").text


def test_a_replayed_envelope_is_refused_with_409(demo: Demo) -> None:
    envelope = demo.envelope("nothing")
    assert demo.client.post("/actions", data={ENVELOPE_FIELD: envelope}, headers=JSON).json()["ok"]
    again = demo.client.post("/actions", data={ENVELOPE_FIELD: envelope}, headers=JSON)
    assert again.status_code == 409
    assert again.json()["code"] == "replayed"


def test_an_envelope_of_a_replaced_spec_is_stale(demo: Demo) -> None:
    ping = demo.envelope("ping")
    assert demo.post("book_table", GOOD, **JSON).json()["ok"]
    stale = demo.client.post("/actions", data={ENVELOPE_FIELD: ping}, headers=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"


def test_an_expired_envelope_is_refused_with_410(demo: Demo) -> None:
    envelope = demo.envelope("ping")
    demo.clock.now += demo.gate.ttl + 1
    response = demo.client.post("/actions", data={ENVELOPE_FIELD: envelope}, headers=JSON)
    assert response.status_code == 410
    assert response.json()["code"] == "expired"


def test_an_envelope_of_another_session_is_refused() -> None:
    demo = _app(session="alice")
    demo.client.cookies.set("session", "mallory")
    response = demo.post("ping", **JSON)
    assert response.status_code == 403
    assert response.json()["code"] == "wrong_session"
    demo.client.cookies.set("session", "alice")
    assert demo.post("ping", **JSON).json()["ok"] is True


def test_cross_site_posts_are_refused_with_403(demo: Demo) -> None:
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        json_answer = demo.post("ping", **JSON, **headers)
        assert json_answer.status_code == 403
        assert json_answer.json()["code"] == "cross_site"
        assert demo.post("ping", **headers).status_code == 403
    same = demo.post("ping", **JSON, Origin="http://testserver", **{"Sec-Fetch-Site": "none"})
    assert same.json()["ok"] is True


def test_bodies_over_the_cap_are_refused_declared_or_streamed(demo: Demo) -> None:
    big = "x" * MAX_BODY_BYTES
    declared = demo.client.post("/actions", data={"pad": big}, headers=JSON)
    assert declared.status_code == 413
    assert declared.json()["code"] == "too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 1024 + 1):
            yield b"a=" + b"x" * 1022

    streamed = demo.client.post(
        "/actions",
        content=chunks(),
        headers={**JSON, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    form = b"application/x-www-form-urlencoded"
    for length in (b"x", "²".encode("latin-1"), b"-1"):  # isdigit() takes "²"; int() does not
        response = _raw(demo, [(b"content-type", form), (b"content-length", length)])
        assert response.status_code == 413, length


def test_only_form_bodies_are_read(demo: Demo) -> None:
    as_json = demo.client.post("/actions", json={ENVELOPE_FIELD: "x"}, headers=JSON)
    assert as_json.status_code == 415
    assert as_json.json()["code"] == "unsupported_media_type"
    no_type = demo.client.post("/actions", content=b"a=1", headers=JSON)
    assert no_type.status_code == 415
    files = {"upload": ("a.txt", b"hello", "text/plain")}
    with_file = demo.client.post("/actions", files=files, headers=JSON)
    assert with_file.status_code == 415


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("application/x-www-form-urlencoded", b"a=%FF", 400, "bad_request"),
        ("application/x-www-form-urlencoded", b"a=\xff", 400, "bad_request"),
        (
            "application/x-www-form-urlencoded",
            b"&".join([b"a=1"] * (MAX_FIELDS + 1)),
            413,
            "too_large",
        ),
        ("multipart/form-data; boundary=b", b"not multipart", 400, "bad_request"),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n",
            400,
            "bad_request",
        ),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\r\n--b--\r\n',
            400,
            "bad_request",
        ),
        (
            "multipart/form-data; boundary=b",
            b"".join(
                b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
                for _ in range(MAX_FIELDS + 1)
            )
            + b"--b--\r\n",
            413,
            "too_large",
        ),
        ("application/x-www-form-urlencoded", b"a=1&b=2", 400, "tampered"),
    ],
)
def test_malformed_form_bodies_are_refused(
    demo: Demo, content_type: str, body: bytes, status: int, code: str
) -> None:
    response = demo.client.post(
        "/actions", content=body, headers={**JSON, "Content-Type": content_type}
    )
    assert (response.status_code, response.json()["code"]) == (status, code)


def _raw(demo: Demo, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> Response:
    """What the endpoint answers a request whose headers no HTTP client would send."""
    endpoint = ActionEndpoint(demo.gate, back=lambda request, event: "/")
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/actions",
        "headers": [(b"accept", b"application/json"), *headers],
        "query_string": b"",
        "scheme": "http",
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    # In a thread of its own: the suite may be inside a running event loop (Playwright's).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, endpoint.handle(Request(scope, receive))).result()


def test_a_header_that_could_inject_into_the_multipart_parse_is_refused(demo: Demo) -> None:
    header = b"multipart/form-data; boundary=b\nContent-Type: text/plain"
    assert _raw(demo, [(b"content-type", header)]).status_code == 400


# -- failures ----------------------------------------------------------------------------------


def test_a_failing_handler_is_a_generic_500_without_a_traceback(
    demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="genui.starlette"):
        answer = demo.post("crash", **JSON)
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"
    assert "secret" not in answer.text and "Traceback" not in answer.text
    assert "crash" in caplog.text and "secret internals" in caplog.text
    page = _app().post("crash")
    assert page.status_code == 500
    assert "secret" not in page.text and "Traceback" not in page.text


def test_a_reply_that_cannot_be_applied_is_a_500_and_the_surface_is_unchanged(
    demo: Demo,
) -> None:
    before = demo.stream.html()
    answer = demo.post("broken", **JSON)
    assert answer.status_code == 500
    assert "Nope" not in answer.text
    assert demo.stream.html() == before
    assert demo.applied == []


def test_a_handler_refusal_keeps_its_code_and_status(demo: Demo) -> None:
    answer = demo.post("sold_out", **JSON)
    assert answer.status_code == 409
    assert answer.json()["code"] == "sold_out"


# -- configuration -------------------------------------------------------------------------


def test_the_endpoint_needs_surfaces_that_apply_replies() -> None:
    class Showing:
        def current(self, surface: str) -> GenerativeUISpec | None:
            return None

    gate = ActionGate(Actions(), KEY, surfaces=Showing())
    with pytest.raises(TypeError, match="surfaces="):
        ActionEndpoint(gate, back=lambda request, event: "/")
    surfaces = StreamSurfaces()
    endpoint = ActionEndpoint(gate, back=lambda request, event: "/", surfaces=surfaces)
    assert endpoint.surfaces is surfaces
    with pytest.raises(ValueError, match="max_body_bytes"):
        ActionEndpoint(gate, back=lambda request, event: "/", surfaces=surfaces, max_body_bytes=0)


def test_mount_actions_routes_post_only_at_the_gate_s_endpoint_or_a_path(demo: Demo) -> None:
    assert demo.client.get("/actions").status_code == 405
    app = Starlette()
    endpoint = ActionEndpoint(demo.gate, back=lambda request, event: "/")
    mount_actions(app, endpoint, "/elsewhere")
    with TestClient(app) as client:
        data = {ENVELOPE_FIELD: demo.envelope("ping")}
        assert client.post("/elsewhere", data=data, headers=JSON).json()["ok"] is True
