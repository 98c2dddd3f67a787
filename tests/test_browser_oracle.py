"""The browser oracle itself: does it see script run, and only when script runs?

The positive control loads every payload the corpus authors saw fire in Chromium without user
interaction, raw, one document each; the oracle must see (nearly) all of them. The negative
control loads every corpus payload escaped with markupsafe, as body text and inside a
double-quoted attribute; the oracle must see nothing. Without both, a silent oracle would make
every security test downstream pass for the wrong reason.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from markupsafe import escape

from tests.browser import ORIGIN, BrowserOracle, OracleStalledError, page_html
from tests.figures import record_figure
from tests.support import load_corpus

pytestmark = pytest.mark.browser

AUTOFIRE = [item["payload"] for item in load_corpus("xss_payloads_autofire_chromium.json")["items"]]
ALL_PAYLOADS: list[str] = load_corpus("xss_payloads.json")

#: Payloads the corpus lists as firing that this oracle, correctly, does not see. The corpus
#: run's hooks reported through a Playwright binding, and Playwright's binding glue assigns a
#: ``.b`` property in the page's own world - which calls this payload's Object.prototype
#: setter. Nothing in the payload runs by itself (object literals do not invoke setters).
KNOWN_HARNESS_ARTIFACTS = {
    "<script>[{'a':Object.prototype.__defineSetter__('b',function(){alert(arguments[0])}),"
    "'b':['secret']}]</script>",
}


def test_autofire_payloads_inserted_raw_are_detected_as_executing(
    browser_oracle: BrowserOracle,
) -> None:
    pages = [page_html(payload) for payload in AUTOFIRE]
    try:
        result = browser_oracle.run_pages(pages)
    except OracleStalledError:  # Chromium hung once (seen on a loaded machine): a fresh one
        result = browser_oracle.run_pages(pages)
    detected = len(result.executed)
    missed = [AUTOFIRE[d.index] for d in result.documents if not d.executed]
    record_figure("browser oracle: autofire payloads detected raw", f"{detected}/{len(AUTOFIRE)}")
    record_figure("browser oracle: documents per second (one page each)", result.pages_per_second)
    print(f"\npositive control: {result.summary().splitlines()[0]}; missed: {missed!r}")
    assert detected >= 0.95 * len(AUTOFIRE), result.summary()
    assert set(missed) <= KNOWN_HARNESS_ARTIFACTS, missed


def test_escaped_payloads_never_execute_as_body_text_or_in_a_quoted_attribute(
    browser_oracle: BrowserOracle,
) -> None:
    as_text = [f"<p>{escape(payload)}</p>" for payload in ALL_PAYLOADS]
    in_attribute = [f'<p title="{escape(payload)}">x</p>' for payload in ALL_PAYLOADS]
    result = browser_oracle.screen(
        as_text + in_attribute,
        flag_request=lambda request: True,  # escaped text must not even fetch anything
    )
    record_figure(
        "browser oracle: escaped payloads (text + attribute) executed",
        f"{len(result.executed)}/{result.fragments}",
    )
    record_figure("browser oracle: screened fragments per second", result.fragments_per_second)
    print(f"\nnegative control: {result.summary()}")
    assert result.clean, result.summary()


def test_escaped_autofire_payloads_never_execute_one_document_each(
    browser_oracle: BrowserOracle,
) -> None:
    pages = [page_html(f'<p title="{escape(p)}">{escape(p)}</p>') for p in AUTOFIRE[:60]]
    result = browser_oracle.run_pages(pages)
    assert result.executed == [], result.summary()
    assert not any(d.requests for d in result.documents), result.summary()


def test_screen_attributes_each_execution_to_its_own_fragment(
    browser_oracle: BrowserOracle,
) -> None:
    inert = [f"<p>{escape(payload)}</p>" for payload in ALL_PAYLOADS[:300]]
    live = {
        17: "<img src=x onerror=alert(17)>",
        80: "<input autofocus onfocus=alert(80)>",
        81: "<textarea>",  # swallows what follows; the separator check must notice
        82: "<svg onload=alert(82)>",
        150: "<!--",
        299: '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    }
    fragments = list(inert)
    for index, fragment in live.items():
        fragments[index] = fragment
    result = browser_oracle.screen(fragments, batch_size=40)
    print(f"\nattribution: {result.summary()}")
    assert sorted(result.executed) == [17, 80, 82, 299], result.summary()
    assert result.unexplained == []
    assert result.isolated < len(fragments) / 2


def test_screen_does_not_let_one_fragment_mask_another(browser_oracle: BrowserOracle) -> None:
    fragments = [
        "<p>inert</p>",
        "<input autofocus>",  # takes the focus the next autofocus element would get
        "<input autofocus onfocus=alert(2)>",
        "<body onload=void(0)>",  # its onload would win the <body> attribute merge
        "<body onload=alert(4)>",
        "<p>inert</p>",
    ]
    result = browser_oracle.screen(fragments, batch_size=8)
    assert sorted(result.executed) == [2, 4], result.summary()


def test_blocked_requests_are_recorded_and_attributed(browser_oracle: BrowserOracle) -> None:
    result = browser_oracle.run_pages(
        [
            page_html('<img src="https://images.example/cat.png" alt="">'),
            page_html("<p>nothing to fetch</p>"),
            page_html('<link rel="stylesheet" href="/evil.css"><iframe src="https://x.example/">'),
        ]
    )
    first, second, third = result.documents
    assert [r.url for r in first.requests] == ["https://images.example/cat.png"]
    assert first.requests[0].resource_type == "image"
    assert not first.executed
    assert second.requests == [] and not second.executed
    assert third.requested(f"{ORIGIN}/evil.css")
    assert third.requested("https://x.example/")[0].navigation
    assert not third.executed  # an iframe navigating is not the top page navigating
    assert result.requested("https://images.example/cat.png") == [first]


def test_top_level_navigation_counts_as_execution(browser_oracle: BrowserOracle) -> None:
    result = browser_oracle.run_pages(
        [
            page_html('<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
            # Chromium refuses the javascript: URL but still leaves for about:blank#blocked.
            page_html('<meta http-equiv="refresh" content="0; URL=http://;URL=javascript:1;">'),
            page_html("<img src=x onerror=\"location='https://evil.example/steal'\">"),
        ]
    )
    assert all(d.executed for d in result.documents), result.summary()
    assert "https://evil.example/steal" in result.documents[2].navigations
    assert not any(d.load_timed_out for d in result.documents)


def test_a_document_that_leaves_late_does_not_spoil_the_next_one(
    browser_oracle: BrowserOracle,
) -> None:
    delays = [0, 20, 40, 55, 65, 80, 100, 150]
    pages = []
    for delay in delays:
        pages.append(
            page_html(f"<img src=x onerror=\"setTimeout(() => location = '/away', {delay})\">")
        )
        pages.append(page_html("<p>quiet</p>"))
    result = browser_oracle.run_pages(pages)
    leaving, quiet = result.documents[::2], result.documents[1::2]
    assert not any(d.executed or d.requests for d in quiet), result.summary()
    # Timers shorter than the settle time are always seen; later ones may be cut off.
    assert all(d.executed for d, delay in zip(leaving, delays, strict=True) if delay <= 40)


def test_execution_inside_child_frames_is_detected(browser_oracle: BrowserOracle) -> None:
    # 39 corpus payloads of this kind fire in Chromium but are missing from the corpus's
    # autofire list: its oracle did not see into javascript:, data: and <object> frames.
    result = browser_oracle.run_pages(
        [
            page_html("<iframe src=javascript:alert(1)></iframe>"),
            page_html('<iframe src="data:text/html,<script>alert(2)</script>"></iframe>'),
            page_html("<object data=data:text/html;base64,PHN2Zy9vbmxvYWQ9YWxlcnQoMik+></object>"),
            page_html('<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">'),
        ]
    )
    assert all(d.executed for d in result.documents), result.summary()


def test_detection_survives_a_page_that_replaces_globals(browser_oracle: BrowserOracle) -> None:
    saboteur = (
        "<script>console.debug = () => {}; JSON.stringify = null; Reflect.apply = null;"
        "window.alert = () => {};</script>"
    )
    result = browser_oracle.run_pages(
        [
            page_html(saboteur + "<img src=x onerror=\"document.title='pwned'\">"),
            page_html(saboteur + "<img src=x onerror=prompt(1)>"),
            page_html('<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>'),
            page_html('<iframe srcdoc="<script>alert(2)</script>"></iframe>'),
        ]
    )
    assert all(d.executed for d in result.documents), result.summary()


def test_runaway_scripts_are_cut_off_without_stalling_the_run(
    browser_oracle: BrowserOracle,
) -> None:
    result = browser_oracle.run_pages(
        [
            page_html("<script>for (;;) alert(1)</script>"),
            page_html("<p>next document still runs</p><img src=x onerror=alert(2)>"),
        ]
    )
    loop, after = result.documents
    assert loop.executed and len(loop.signals) <= 20
    assert [s.detail for s in after.signals] == ["2"]


def test_response_headers_apply_so_csp_can_be_tested(browser_oracle: BrowserOracle) -> None:
    html = page_html("<script>alert(1)</script><img src=x onerror=alert(2)>")
    blocked = browser_oracle.run_page(
        html, headers={"Content-Security-Policy": "script-src 'none'"}
    )
    allowed = browser_oracle.run_page(html)
    assert not blocked.executed, blocked.describe()
    assert allowed.executed


def test_open_gives_a_live_page_for_keyboard_checks(browser_oracle: BrowserOracle) -> None:
    html = page_html('<button id="a">A</button><button id="b">B</button>')
    with browser_oracle.open(html) as page:
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "b"
        assert not browser_oracle.result_for(page).executed


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_html_writes_light_and_dark_pngs(
    browser_oracle: BrowserOracle, tmp_path: Path
) -> None:
    css = (
        "<style>body{background:#fff;color:#111}"
        "@media (prefers-color-scheme: dark){body{background:#111;color:#eee}}</style>"
    )
    html = page_html("<h1>genui</h1>" + "<p>line</p>" * 30, head=css)
    light = browser_oracle.screenshot_html(html, tmp_path / "light.png", width=480)
    dark = browser_oracle.screenshot_html(html, tmp_path / "sub" / "dark.png", width=480, dark=True)
    width, height = _png_size(light)
    assert width == 480 and height > 600  # full page, not just the viewport
    assert _png_size(dark)[0] == 480
    assert light.read_bytes() != dark.read_bytes()


def test_a_hung_browser_is_killed_and_reported_instead_of_hanging_the_session(
    browser_oracle: BrowserOracle,
) -> None:
    hang = page_html("<script>for (;;) {}</script>")
    stall, timeout = browser_oracle.stall_seconds, browser_oracle.load_timeout_ms
    browser_oracle.stall_seconds, browser_oracle.load_timeout_ms = 2, 30_000
    try:
        with pytest.raises(OracleStalledError):
            browser_oracle.run_pages([hang])
    finally:
        browser_oracle.stall_seconds, browser_oracle.load_timeout_ms = stall, timeout
    # The next run launches a fresh Chromium.
    assert browser_oracle.run_page(page_html("<img src=x onerror=alert(1)>")).executed
