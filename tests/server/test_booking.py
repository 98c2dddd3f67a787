"""The demo's booking scenario over HTTP: the form on page load, POST /actions both ways.

The browser tests (``test_actions_browser.py``) drive the same flow in Chromium; these check
what the server sends, fast: the form is rendered server-side with its signed envelope, the
run's stream is the gate's surface and stays open, replies land on it, and the inputs model
refuses what the form's HTML attributes would only ask for.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from pydantic import ValidationError

from examples.server.app import CONTENT_SECURITY_POLICY, create_app
from examples.server.runs import ACTION_ENDPOINT
from examples.server.scenarios import EMAIL, Booking
from genui import ActionKeys
from genui.writing import ENVELOPE_FIELD
from tests.server.demo import DemoServer

DAY = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
GOOD = {"date": DAY, "party_size": "4", "email": "lou@example.com"}
JSON = {"Accept": "application/json"}


def envelope(html: str, form_class: str = "genui-form") -> str:
    found = re.search(
        rf'<form class="{form_class}"[^>]*>\s*<input type="hidden" name="{ENVELOPE_FIELD}"'
        r' value="([^"]+)"',
        html,
    )
    assert found is not None, html
    return found.group(1)


def booking_page(server: DemoServer) -> tuple[str, str]:
    """The booking page's HTML and its run id."""
    with server.client() as client:
        page = client.get("/scenarios/booking")
    assert page.status_code == 200
    found = re.search(r'data-genui-stream="/stream/([^"]+)" data-genui-version="1"', page.text)
    assert found is not None
    return page.text, found.group(1)


def test_the_booking_page_shows_the_signed_form_without_waiting_for_the_agent(
    server: DemoServer,
) -> None:
    html, run_id = booking_page(server)
    run = server.run(run_id)
    assert run.done and run.task is None and not run.main.closed
    assert run.main.surface is not None and run.main.surface.id == run_id
    assert f'action="{ACTION_ENDPOINT}"' in html
    assert ENVELOPE_FIELD in html and "Book the table" in html
    for name in ("date", "party_size", "email"):
        assert f'name="{name}"' in html
    assert str(run.main.html()) in html
    assert server.manager.surfaces.current(run_id) == run.main.clean_spec
    assert server.manager.surfaces.get("unknown") is None
    with server.client() as client:  # the stream sends the same HTML once, then ends
        stream = client.get(f"/stream/{run_id}").text
    assert stream.count("event: genui\n") == 1 and "event: genui-end" in stream


def test_other_scenarios_have_no_action_surface(server: DemoServer) -> None:
    run_id = server.new_run("deploy")
    assert server.manager.surfaces.get(run_id) is None
    assert server.manager.surfaces.current(run_id) is None


def test_without_javascript_a_booking_redirects_to_the_page_showing_the_confirmation(
    server: DemoServer,
) -> None:
    html, run_id = booking_page(server)
    with server.client() as client:
        posted = client.post(ACTION_ENDPOINT, data={ENVELOPE_FIELD: envelope(html), **GOOD})
        assert posted.status_code == 303
        assert posted.headers["location"] == f"/scenarios/booking?run={run_id}"
        assert posted.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        shown = client.get(posted.headers["location"]).text
    assert f"Table for 4 at Chez Lou on {DAY}; confirmation sent to lou@example.com." in shown
    assert "To the agent: The user ran the action &#39;book_table&#39;" in shown
    assert server.run(run_id).main.version == 2


def test_without_javascript_invalid_input_is_the_page_again_with_status_422(
    server: DemoServer,
) -> None:
    html, run_id = booking_page(server)
    bad = {"date": "2001-01-01", "party_size": "0", "email": "lou@localhost"}
    with server.client() as client:
        posted = client.post(ACTION_ENDPOINT, data={ENVELOPE_FIELD: envelope(html), **bad})
    assert posted.status_code == 422
    assert posted.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert posted.text.count('aria-invalid="true"') == 3
    assert 'value="lou@localhost"' in posted.text and 'value="2001-01-01"' in posted.text
    assert "Choose today or a later day." in posted.text
    assert "3 fields need attention." in posted.text
    assert f'data-demo-run="{run_id}"' in posted.text
    assert server.run(run_id).main.version == 1  # nothing applied


def test_with_json_the_answer_carries_the_updates_and_a_replay_is_refused(
    server: DemoServer,
) -> None:
    html, run_id = booking_page(server)
    with server.client() as client:
        data = {ENVELOPE_FIELD: envelope(html), **GOOD}
        answer = client.post(ACTION_ENDPOINT, data=data, headers={**JSON, "GenUI-Version": "1"})
        again = client.post(ACTION_ENDPOINT, data=data, headers=JSON)
        shown = client.get(f"/scenarios/booking?run={run_id}").text
        resend = {ENVELOPE_FIELD: envelope(shown, "genui-action")}
        first = client.post(ACTION_ENDPOINT, data=resend, headers=JSON)
        second = client.post(ACTION_ENDPOINT, data=resend, headers=JSON)
    body: dict[str, Any] = answer.json()
    assert (answer.status_code, body["ok"], body["version"]) == (200, True, 2)
    assert "Table booked" in "".join(update["html"] for update in body["updates"])
    assert body["message"].startswith("The user ran the action 'book_table'")
    assert (again.status_code, again.json()["code"]) == (409, "replayed")  # answered already
    assert first.json()["ok"] is True
    assert [u["op"] for u in first.json()["updates"]] == ["append"]
    assert (second.status_code, second.json()["code"]) == (409, "replayed")


def test_the_signing_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "d" * 40
    monkeypatch.setenv("GENUI_DEMO_ACTION_KEY", key)
    app = create_app(speed=0)
    assert app.state.manager.gate.keys.signing_key_id == ActionKeys(key).signing_key_id
    monkeypatch.delenv("GENUI_DEMO_ACTION_KEY")
    other = create_app(speed=0).state.manager.gate.keys.signing_key_id
    assert other != create_app(speed=0).state.manager.gate.keys.signing_key_id  # random


@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("lou@example.com", True),
        ("a.b+c@mail.example.co", True),
        ("lou@localhost", False),
        ("not-an-email", False),
        ("lou@@example.com", False),
        ("lou @example.com", False),
        ("lou@example.c", False),
    ],
)
def test_the_server_s_email_check(address: str, valid: bool) -> None:
    assert (EMAIL.fullmatch(address) is not None) is valid


def test_the_booking_inputs_refuse_a_past_day_a_party_out_of_range_and_extra_fields() -> None:
    assert Booking.model_validate(GOOD).party_size == 4
    for change in ({"date": "2000-01-01"}, {"party_size": "13"}, {"party_size": "0"}):
        with pytest.raises(ValidationError):
            Booking.model_validate({**GOOD, **change})
    with pytest.raises(ValidationError):
        Booking.model_validate({**GOOD, "restaurant": "Elsewhere"})
