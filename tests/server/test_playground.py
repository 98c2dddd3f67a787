"""The demo's playground (``/playground``) over real HTTP: a plain form post of any spec.

Every error ``genui.validate`` finds is on the page with its path, code, message and hint;
the textarea keeps what was sent; bad JSON, oversized or cross-site posts get a page (or
413/403/415), never a 500; hostile text is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import html5lib
import pytest

from examples.server.app import CONTENT_SECURITY_POLICY
from examples.server.playground import (
    DEFAULT_EXAMPLE,
    EXAMPLES,
    MAX_BODY_BYTES,
    MAX_INPUT_BYTES,
)
from genui import GenerativeUISpec, Renderer, validate
from tests.server.demo import DemoServer

FORM = {"content-type": "application/x-www-form-urlencoded"}


# -- helpers -------------------------------------------------------------------------------


def parse(text: str) -> Any:
    return html5lib.parse(text, namespaceHTMLElements=False)


def by_id(document: Any, element_id: str) -> Any:
    return document.find(f".//*[@id='{element_id}']")


def text_of(element: Any) -> str:
    return "".join(element.itertext())


def textarea_value(document: Any) -> str:
    """What the browser puts in the textarea (the parser drops one leading newline)."""
    textarea = document.find(".//textarea[@name='spec']")
    assert textarea is not None
    return str(textarea.text or "")


def error_rows(document: Any) -> list[tuple[str, str, str, str]]:
    """(path, code, message, hint) of every row of the errors table."""
    table = by_id(document, "pg-errors")
    if table is None:
        return []
    rows = []
    for row in table.findall("./tbody/tr"):
        cells = [text_of(cell).strip() for cell in row.findall("./td")]
        assert len(cells) == 4
        rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def expected_rows(text: str) -> list[tuple[str, str, str, str]]:
    return [
        (e.path or "(the whole input)", e.code, e.message, e.hint or "none")
        for e in validate(text).errors
    ]


def post(server: DemoServer, spec: str | bytes, **headers: str) -> Any:
    value = spec.encode() if isinstance(spec, str) else spec
    body = b"spec=" + quote(value, safe="").encode()
    with server.client() as client:
        return client.post("/playground", content=body, headers={**FORM, **headers})


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2)


# -- GET: the form -------------------------------------------------------------------------


def test_get_shows_the_form_with_the_default_example(server: DemoServer) -> None:
    with server.client() as client:
        response = client.get("/playground")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    document = parse(response.text)
    form = document.find(".//form[@method='post']")
    assert form is not None and form.get("action") == "/playground"
    assert form.find(".//button[@type='submit']") is not None
    assert textarea_value(document) == EXAMPLES[DEFAULT_EXAMPLE].text
    # the default example has problems, in both node shapes
    text = EXAMPLES[DEFAULT_EXAMPLE].text
    assert '"$type"' in text and '"component"' in text
    assert len(validate(text).errors) >= 3
    # loaded, not checked: no verdict yet
    assert by_id(document, "pg-summary") is None
    links = [a.get("href") for a in document.iter("a")]
    for name in EXAMPLES:
        assert f"/playground?example={name}" in links


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_loads_by_a_plain_get(server: DemoServer, name: str) -> None:
    with server.client() as client:
        response = client.get("/playground", params={"example": name})
    assert response.status_code == 200
    document = parse(response.text)
    assert textarea_value(document) == EXAMPLES[name].text
    current = document.find(".//a[@aria-current='true']")
    assert current is not None and current.get("href") == f"/playground?example={name}"


def test_the_examples_cover_flat_hostile_valid_and_bad_json() -> None:
    assert {"flat", "hostile", "valid"} <= set(EXAMPLES)
    assert validate(EXAMPLES["valid"].text).ok
    assert validate(EXAMPLES["flat"].text).errors
    assert validate(EXAMPLES["hostile"].text).errors
    assert [e.code for e in validate(EXAMPLES["truncated"].text).errors] == ["invalid_json"]


def test_an_unknown_example_is_404(server: DemoServer) -> None:
    with server.client() as client:
        response = client.get("/playground", params={"example": "nope"})
    assert response.status_code == 404


def test_the_index_page_links_the_playground(server: DemoServer) -> None:
    with server.client() as client:
        index = parse(client.get("/").text)
        playground = parse(client.get("/playground").text)
    nav = index.find(".//nav[@class='demo-nav']")
    assert "/playground" in [a.get("href") for a in nav.iter("a")]
    current = playground.find(".//nav[@class='demo-nav']/a[@aria-current='page']")
    assert current is not None and current.get("href") == "/playground"


# -- POST: every error, the report, the render, the JSON -----------------------------------


def test_every_error_is_listed_with_its_path_code_message_and_hint(server: DemoServer) -> None:
    text = EXAMPLES[DEFAULT_EXAMPLE].text
    expected = expected_rows(text)
    assert len(expected) == 4
    with server.client() as client:
        response = client.post("/playground", data={"spec": text})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    document = parse(response.text)
    assert error_rows(document) == expected
    assert text_of(by_id(document, "pg-summary")).split()[:2] == ["4", "problems"]
    paths = [row[0] for row in expected]
    assert "/root/owner" in paths  # a flat node's prop
    assert "/root/children/0/props/tone" in paths  # a legacy node's prop
    assert all(row[3] != "none" for row in expected)  # every one has a hint
    assert textarea_value(document) == text


def test_the_report_render_and_cleaned_json_match_genui(server: DemoServer) -> None:
    text = EXAMPLES[DEFAULT_EXAMPLE].text
    result = validate(text)
    assert result.spec is not None
    with server.client() as client:
        document = parse(client.post("/playground", data={"spec": text}).text)
    report = by_id(document, "pg-report")
    rows = [[text_of(td).strip() for td in tr.findall("./td")] for tr in report.iter("tr")][1:]
    assert rows == [[e.path, e.prop, e.reason, e.detail] for e in result.report]
    render = by_id(document, "pg-render")
    expected_html = Renderer(on_invalid_props="drop").render(result.spec)
    fragment = html5lib.parseFragment(str(expected_html), namespaceHTMLElements=False)
    assert text_of(render).split() == text_of(fragment).split()
    assert render.find(".//*[@class='genui-card']") is not None
    legacy = json.loads(text_of(by_id(document, "pg-legacy")))
    assert legacy == result.spec.model_dump(mode="json", exclude_defaults=True)
    assert GenerativeUISpec.model_validate(legacy) == result.spec
    flat = by_id(document, "pg-flat")
    if hasattr(GenerativeUISpec, "to_flat"):
        assert flat is not None
        flat_spec = json.loads(text_of(flat))
        assert "$type" in json.dumps(flat_spec) and '"component"' not in json.dumps(flat_spec)
        assert validate(flat_spec).spec == result.spec
    else:
        assert flat is None


FLAT_NODE = {"$type": "Text", "text": "hi", "size": "xl"}
LEGACY_NODE = {"component": "Text", "props": {"text": "hi", "size": "xl"}}
SHAPES: dict[str, tuple[Any, str]] = {
    "flat": ({"root": FLAT_NODE}, "/root/size"),
    "legacy": ({"root": LEGACY_NODE}, "/root/props/size"),
    "flat in a message part": (
        {"type": "generative-ui", "spec": {"root": [FLAT_NODE]}},
        "/spec/root/0/size",
    ),
    "legacy in render_gui args": ({"spec": {"root": [LEGACY_NODE]}}, "/spec/root/0/props/size"),
    "mixed": (
        {"root": {"$type": "Card", "children": [LEGACY_NODE, FLAT_NODE]}},
        "/root/children/0/props/size",
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_any_node_shape_and_envelope(server: DemoServer, shape: str) -> None:
    spec, path = SHAPES[shape]
    text = dumps(spec)
    with server.client() as client:
        response = client.post("/playground", data={"spec": text})
    assert response.status_code == 200
    document = parse(response.text)
    rows = error_rows(document)
    assert rows == expected_rows(text)
    assert path in [row[0] for row in rows]
    assert any("remove 'size'" in row[3] for row in rows)
    render = by_id(document, "pg-render")
    assert render is not None and "hi" in text_of(render)


def test_a_valid_spec_says_so_and_renders(server: DemoServer) -> None:
    response = post(server, EXAMPLES["valid"].text)
    assert response.status_code == 200
    document = parse(response.text)
    assert text_of(by_id(document, "pg-summary")).strip().startswith("Valid")
    assert by_id(document, "pg-errors") is None
    assert by_id(document, "pg-report") is None
    assert "Track package" in text_of(by_id(document, "pg-render"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"root": {"component": "Text", ', "invalid JSON"),
        ("", "input is empty"),
        ("   ", "input is empty"),
        ("[1, 2]", "a spec must be a JSON object"),
        ('{"root": NaN}', "invalid JSON"),
    ],
)
def test_invalid_json_shows_the_error_and_keeps_the_text(
    server: DemoServer, text: str, message: str
) -> None:
    response = post(server, text)
    assert response.status_code == 200
    document = parse(response.text)
    rows = error_rows(document)
    assert rows == expected_rows(text)
    assert len(rows) == 1 and message in rows[0][2]
    assert by_id(document, "pg-render") is None
    assert by_id(document, "pg-render-empty") is not None
    assert textarea_value(document) == text


def test_text_that_is_not_utf8_is_reported_not_replaced_silently(server: DemoServer) -> None:
    response = post(server, b'{"root": "\xff"}')
    assert response.status_code == 200
    rows = error_rows(parse(response.text))
    assert [row[1] for row in rows] == ["invalid_json"]
    assert "UTF-8" in rows[0][2]


def test_non_ascii_text_round_trips(server: DemoServer) -> None:
    text = dumps({"root": {"$type": "Text", "text": "Crème brûlée ☃ 100% + 1 & more"}})
    with server.client() as client:
        response = client.post("/playground", data={"spec": text})
    document = parse(response.text)
    assert textarea_value(document) == text
    assert error_rows(document) == []
    assert "Crème brûlée ☃ 100% + 1 & more" in text_of(by_id(document, "pg-render"))


def test_a_missing_field_reads_as_empty(server: DemoServer) -> None:
    with server.client() as client:
        response = client.post("/playground", data={"other": "x"})
    assert response.status_code == 200
    assert [row[1] for row in error_rows(parse(response.text))] == ["invalid_json"]


# -- bounds and refusals: a page, never a 500 -----------------------------------------------


def test_an_oversized_body_is_refused_with_413(server: DemoServer) -> None:
    big = b"spec=" + b"a" * MAX_BODY_BYTES

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    with server.client() as client:
        declared = client.post("/playground", content=big, headers=FORM)
        streamed = client.post("/playground", content=chunks(), headers=FORM)
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("text/html")
        assert "larger than" in text_of(parse(response.text).find(".//*[@role='alert']"))


def test_spec_text_over_the_input_limit_is_413_with_the_error(server: DemoServer) -> None:
    text = '{"root": "' + "x" * MAX_INPUT_BYTES + '"}'
    response = post(server, text)
    assert response.status_code == 413
    rows = error_rows(parse(response.text))
    assert [row[1] for row in rows] == ["too_large"]


def test_the_body_limit_follows_the_servers_own(serve: Callable[..., DemoServer]) -> None:
    server = serve(max_body_bytes=1024)
    assert post(server, dumps({"root": "x" * 2000})).status_code == 413
    assert post(server, dumps({"root": "x" * 100})).status_code == 200


def test_only_url_encoded_forms_are_taken(server: DemoServer) -> None:
    with server.client() as client:
        as_json = client.post("/playground", json={"root": "hi"})
        multipart = client.post("/playground", files={"spec": ("spec.json", b'{"root": "x"}')})
        fields = client.post(
            "/playground", content=urlencode([("f", "1")] * 20).encode(), headers=FORM
        )
    assert as_json.status_code == 415
    assert multipart.status_code == 415
    assert fields.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "cross-site", "origin": "null"},
        {"origin": "https://evil.example"},
        {"origin": "null"},
    ],
)
def test_cross_site_posts_are_refused(server: DemoServer, headers: dict[str, str]) -> None:
    response = post(server, EXAMPLES["hostile"].text, **headers)
    assert response.status_code == 403
    document = parse(response.text)
    assert by_id(document, "pg-render") is None
    assert by_id(document, "pg-errors") is None


def test_same_origin_posts_pass(server: DemoServer) -> None:
    own = server.url  # http://127.0.0.1:<port>
    # what Chromium sends for this page's own form under Referrer-Policy: no-referrer
    same = post(server, '{"root": "hi"}', **{"sec-fetch-site": "same-origin", "origin": "null"})
    by_origin = post(server, '{"root": "hi"}', origin=own)
    typed = post(server, '{"root": "hi"}', **{"sec-fetch-site": "none"})
    assert [r.status_code for r in (same, by_origin, typed)] == [200, 200, 200]


# -- hostile input stays text --------------------------------------------------------------


def assert_inert(text: str) -> None:
    """No script but genui.js, no inline style or handler, no script URL anywhere."""
    document = html5lib.parse(text, treebuilder="dom", namespaceHTMLElements=False)
    scripts = document.getElementsByTagName("script")
    assert [s.getAttribute("src") for s in scripts] == ["/static/genui.js"]
    assert all(not s.childNodes for s in scripts)
    assert not document.getElementsByTagName("style")
    assert not document.getElementsByTagName("iframe")
    for element in document.getElementsByTagName("*"):
        attributes = element.attributes
        for index in range(attributes.length):
            name, value = attributes.item(index).name, attributes.item(index).value
            assert name != "style" and not name.lower().startswith("on"), name
            assert "script:" not in value.lower().replace("\t", ""), (name, value)
            assert not value.lower().startswith("data:text/html"), (name, value)


def test_hostile_payloads_are_escaped(server: DemoServer) -> None:
    text = EXAMPLES["hostile"].text
    assert "</textarea><script>" in text
    response = post(server, text)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "</textarea><script>" not in response.text
    assert_inert(response.text)
    document = parse(response.text)
    assert textarea_value(document) == text  # the breakout is the textarea's text, intact
    assert error_rows(document) == expected_rows(text)
    render = text_of(by_id(document, "pg-render"))
    assert "</textarea><script>alert('breakout')</script> stays text" in render


@pytest.mark.parametrize(
    "text",
    [
        "</textarea><script>alert(1)</script>",
        '{"root": "</textarea><img src=x onerror=alert(1)>"}',
        '{"<script>alert(1)</script>": 1}',
        '{"root": {"$type": "<img src=x onerror=alert(1)>"}}',
        '{"root": {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "x"}}}',
    ],
)
def test_payloads_in_errors_and_text_are_escaped(server: DemoServer, text: str) -> None:
    response = post(server, text)
    assert response.status_code == 200
    assert_inert(response.text)
    assert textarea_value(parse(response.text)) == text
