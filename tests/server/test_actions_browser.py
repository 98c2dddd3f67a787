"""The booking scenario in headless Chromium: a signed action form, with and without JavaScript.

The demo server runs on a free loopback port (the ``demo`` fixture); every request to another
origin is aborted and recorded. Without JavaScript the form is a plain post: invalid input
comes back as the page again (422) with inline errors, the values kept and the focus on the
first invalid field (``autofocus``), and a booking lands on the page showing the confirmation.
With genui.js the same form is answered in place (no navigation: a marker on ``window``
survives), inline errors are shown by the script, a tampered envelope and a replayed one are
refused with a visible message, and the page breaks no CSP rule.

The browser's own checks (``max=12``, ``type=email``) are switched off where a test sends
invalid values (``form.noValidate``), as for a hand-made post: the server's inputs model is
what refuses them. Screenshots go to ``test-artifacts/actions/`` (gitignored) for humans.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from examples.server.runs import ACTION_ENDPOINT
from tests.server.browser_session import Session
from tests.server.browser_session import session as browser_session
from tests.server.demo import DemoServer
from tests.support import REPO_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts" / "actions"
TIMEOUT_MS = 20_000
DAY = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
CONFIRMATION = f"Table for 4 at Chez Lou on {DAY}; confirmation sent to lou@example.com."
FORM = "form.genui-form"
RESEND = "Send the confirmation again"

INIT_SCRIPT = """
(() => {
  const log = {actions: [], violations: []};
  Object.defineProperty(window, "__demo", {value: log});
  document.addEventListener("genui:action", (event) => log.actions.push(event.detail), true);
  document.addEventListener("securitypolicyviolation", (event) => {
    log.violations.push(event.violatedDirective + " " + event.blockedURI);
  }, true);
})();
"""

MEASURE = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
})"""


@contextmanager
def session(
    chromium: Browser, demo: DemoServer, *, width: int, javascript: bool
) -> Iterator[Session]:
    """A demo page recording the action endpoint's answers (a refused POST logs its 4xx)."""
    with browser_session(
        chromium,
        demo,
        width=width,
        javascript=javascript,
        init_script=INIT_SCRIPT,
        posts_to=ACTION_ENDPOINT,
        ignored_errors=("Failed to load resource",),
    ) as state:
        yield state


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill(page: Page, party_size: str, email: str, *, checked: bool = True) -> None:
    """Fill the booking form (``checked=False``: the browser's own checks switched off)."""
    if not checked:
        page.evaluate(f"() => {{ document.querySelector({json.dumps(FORM)}).noValidate = true }}")
    form = page.locator(FORM)
    form.get_by_label("Date").fill(DAY)
    form.get_by_label("Party size").fill(party_size)
    form.get_by_label("Email for the confirmation").fill(email)


def field_state(page: Page, name: str) -> dict[str, Any]:
    """A field's value, ``aria-invalid`` and its error note (text, visible) as the page has it."""
    control = page.locator(f"{FORM} [name={name}]")
    described = control.get_attribute("aria-describedby") or ""
    error_id = next(token for token in described.split() if token.endswith("-error"))
    note = page.locator(f"[id='{error_id}']")
    return {
        "value": control.input_value(),
        "invalid": control.get_attribute("aria-invalid"),
        "error": (note.text_content() or "").strip(),
        "shown": note.is_visible(),
    }


def focused(page: Page) -> str | None:
    name: str | None = page.evaluate("() => document.activeElement && document.activeElement.name")
    return name


def post(page: Page, submit: str) -> None:
    """Press ``submit`` and wait for the page the server answers with (a real navigation)."""
    with page.expect_navigation(timeout=TIMEOUT_MS):
        page.get_by_role("button", name=submit).click()


def assert_invalid_fields(page: Page, *, email: str) -> None:
    party, mail, day = (field_state(page, n) for n in ("party_size", "email", "date"))
    assert party == {
        "value": "40",
        "invalid": "true",
        "error": "Tables are for 1 to 12 people.",
        "shown": True,
    }
    assert mail == {
        "value": email,
        "invalid": "true",
        "error": "Enter an email address like lou@example.com.",
        "shown": True,
    }
    assert day == {"value": DAY, "invalid": None, "error": "", "shown": False}
    summary = page.locator(f"{FORM} .genui-form__summary")
    assert summary.is_visible()
    assert summary.text_content() == "2 fields need attention."
    assert focused(page) == "party_size"


# -- without JavaScript ----------------------------------------------------------------------


def test_without_javascript_invalid_input_gets_inline_errors_then_the_booking_is_confirmed(
    chromium: Browser, demo: DemoServer
) -> None:
    with session(chromium, demo, width=390, javascript=False) as s:
        page = s.page
        page.goto(demo.url + "/scenarios/booking")
        assert page.evaluate("() => typeof window.genui") == "undefined"  # genui.js never ran
        assert page.locator(FORM).is_visible()
        run = page.locator("[data-demo-run]").get_attribute("data-demo-run")
        fill(page, "40", "not-an-email", checked=False)
        post(page, "Book the table")
        assert s.posts == [422]
        assert page.url == demo.url + ACTION_ENDPOINT  # the page answered to the post
        assert_invalid_fields(page, email="not-an-email")
        assert page.locator(f"{FORM} [autofocus]").get_attribute("name") == "party_size"
        facts = page.evaluate(MEASURE)
        assert facts["scrollWidth"] <= facts["clientWidth"], facts
        screenshot(page, "no-js-invalid-390")

        page.locator(f"{FORM} [name=party_size]").fill("4")
        page.locator(f"{FORM} [name=email]").fill("lou@example.com")
        post(page, "Book the table")
        assert s.posts == [422, 303]
        assert page.url == f"{demo.url}/scenarios/booking?run={run}"
        assert page.get_by_role("status").filter(has_text="Table booked").is_visible()
        assert CONFIRMATION in (page.text_content(".demo-stream") or "")
        assert page.locator(FORM).count() == 0
        screenshot(page, "no-js-booked-390")

        post(page, RESEND)  # the button posts once...
        assert page.get_by_text("Sent the confirmation to lou@example.com again.").is_visible()
        post(page, RESEND)  # ...and its envelope is spent
        assert s.posts == [422, 303, 303, 409]
        assert "this action was submitted already" in (page.text_content("body") or "")
        s.assert_clean()


# -- with JavaScript -------------------------------------------------------------------------


def open_booking(s: Session, demo: DemoServer) -> None:
    """Load the page, wait until its stream has ended and mark ``window``."""
    page = s.page
    page.goto(demo.url + "/scenarios/booking")
    page.wait_for_function(
        "() => { const el = document.querySelector('[data-genui-stream]');"
        " return el.getAttribute('data-genui-version') === '1'"
        " && !el.hasAttribute('aria-busy') }",
        timeout=TIMEOUT_MS,
    )
    page.evaluate("() => { window.__marker = 1 }")


def test_with_javascript_the_booking_is_answered_in_place(
    chromium: Browser, demo: DemoServer
) -> None:
    with session(chromium, demo, width=1280, javascript=True) as s:
        page = s.page
        open_booking(s, demo)
        start = page.url
        fill(page, "40", "not-an-email", checked=False)
        page.get_by_role("button", name="Book the table").click()
        page.wait_for_selector(f"{FORM} [name=party_size][aria-invalid=true]", timeout=TIMEOUT_MS)
        assert s.posts == [422]
        assert_invalid_fields(page, email="not-an-email")
        assert page.locator(FORM).get_attribute("aria-busy") is None
        assert page.get_by_role("button", name="Book the table").is_enabled()

        envelope = page.locator(f"{FORM} input[name=genui-action]").input_value()
        page.locator(f"{FORM} [name=party_size]").fill("4")
        page.locator(f"{FORM} [name=email]").fill("lou@example.com")
        page.get_by_role("button", name="Book the table").click()
        page.get_by_text(CONFIRMATION).wait_for(timeout=TIMEOUT_MS)
        assert s.posts == [422, 200]
        assert page.evaluate("() => window.__marker") == 1  # no navigation
        assert page.url == start
        container = page.locator("[data-genui-stream]")
        assert container.get_attribute("data-genui-version") == "2"
        assert "To the agent: The user ran the action 'book_table'" in (
            container.text_content() or ""
        )
        answers = s.log()["actions"]
        assert [(a["ok"], a.get("code")) for a in answers] == [
            (False, "invalid_input"),
            (True, None),
        ]
        screenshot(page, "js-booked-1280")

        # The booking's envelope again, once answered: a replay (its form is gone too).
        again = resubmit(page, envelope, {"date": DAY, "party_size": "4", "email": "x@y.example"})
        assert again == {"status": 409, "code": "replayed"}

        resend = page.get_by_role("button", name=RESEND)
        spent = page.locator("form.genui-action input[name=genui-action]").input_value()
        resend.click()
        page.get_by_text("Sent the confirmation to lou@example.com again.").wait_for(
            timeout=TIMEOUT_MS
        )
        assert resubmit(page, spent, {}) == {"status": 409, "code": "replayed"}
        resend.click()  # pressed twice: the second press is refused, and says so
        alert = page.locator("form.genui-action [role=alert]")
        alert.wait_for(timeout=TIMEOUT_MS)
        assert alert.text_content() == "this action was submitted already"
        assert s.posts == [422, 200, 409, 200, 409, 409]
        assert page.evaluate("() => window.__marker") == 1
        assert s.log()["violations"] == []
        s.assert_clean()


def resubmit(page: Page, envelope: str, fields: dict[str, str]) -> dict[str, Any]:
    """POST ``envelope`` with ``fields`` from the page as genui.js does; status and code."""
    result: dict[str, Any] = page.evaluate(
        """async ([endpoint, envelope, fields]) => {
            const body = new URLSearchParams({"genui-action": envelope, ...fields});
            const response = await fetch(endpoint, {
                method: "POST", body, credentials: "same-origin",
                headers: {"Accept": "application/json", "GenUI-Version": "0"},
            });
            return {status: response.status, code: (await response.json()).code};
        }""",
        [ACTION_ENDPOINT, envelope, fields],
    )
    return result


def test_with_javascript_a_tampered_envelope_is_refused_with_a_visible_message(
    chromium: Browser, demo: DemoServer
) -> None:
    with session(chromium, demo, width=1280, javascript=True) as s:
        page = s.page
        open_booking(s, demo)
        start = page.url
        fill(page, "4", "lou@example.com")
        original = page.evaluate(
            """() => {
                const input = document.querySelector("form.genui-form input[name=genui-action]");
                const value = input.value;
                const at = Math.floor(value.length / 2);
                input.value = value.slice(0, at) + (value[at] === "A" ? "B" : "A")
                    + value.slice(at + 1);
                return value;
            }"""
        )
        page.get_by_role("button", name="Book the table").click()
        summary = page.locator(f"{FORM} .genui-form__summary")
        summary.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert re.search(r"envelope", summary.text_content() or "")
        assert summary.get_attribute("role") == "alert"
        assert s.posts == [400]
        assert s.log()["actions"][-1]["code"] == "tampered"
        assert page.url == start and page.evaluate("() => window.__marker") == 1
        assert page.get_by_text(CONFIRMATION).count() == 0
        for name in ("party_size", "email", "date"):
            assert field_state(page, name)["invalid"] is None

        # The genuine envelope still works: the refusal changed nothing on the server.
        page.evaluate(
            "(value) => { document.querySelector("
            "'form.genui-form input[name=genui-action]').value = value }",
            original,
        )
        page.get_by_role("button", name="Book the table").click()
        page.get_by_text(CONFIRMATION).wait_for(timeout=TIMEOUT_MS)
        assert s.posts == [400, 200]
        assert s.log()["violations"] == []
        s.assert_clean()
