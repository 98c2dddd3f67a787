"""The Image component (genui.components.image): every state, its actions, its URLs."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import jsonschema
import pytest
from markupsafe import Markup, escape
from pydantic import ValidationError

from genui.catalog import json_schema
from genui.components import default_registry
from genui.components.image import (
    IMAGE,
    MAX_REPEATED_URL_LENGTH,
    ImageActions,
    ImageIncomplete,
    ImagePart,
    ImageRunning,
    configure_image_actions,
    image_component,
    image_extension,
    safe_filename,
    write_image,
)
from genui.components.standalone import render_image
from genui.render import Renderer
from genui.sanitize import SanitizeReport, UrlPolicy, is_url_attribute
from genui.stream import SpecStream
from tests.html_parsing import attributes, elements, parse_errors
from tests.image_support import data_url, png_bytes
from tests.support import load_corpus
from tests.writer_source import url_attributes, writer_source

PNG = data_url(png_bytes(8, 8))
HTTPS = "https://images.example.com/gen/abc123.webp?sig=1"
REGENERATE = ImageActions(regenerate_url="/images/regenerate", regenerate_fields={"csrf": "t0k"})

STATUSES: dict[str, dict[str, Any]] = {
    "running": {"type": "running"},
    "preview": {"type": "running", "progress": 0.4},
    "complete": {"type": "complete"},
    "content-filter": {"type": "incomplete", "reason": "content-filter", "error": "Blocked"},
    "cancelled": {"type": "incomplete", "reason": "cancelled"},
    "error": {"type": "incomplete", "reason": "error", "error": "Service <b>down</b> & out"},
    "length": {"type": "incomplete", "reason": "length"},
    "other": {"type": "incomplete", "reason": "other"},
}
FAILED = ("cancelled", "error", "length", "other")


def renderer(regenerate: bool) -> Renderer:
    if not regenerate:
        return Renderer()
    return Renderer(default_registry().extend(image_component(REGENERATE), replace=True))


def props(state: str, *, filename: str | None = None, image: str = PNG) -> dict[str, Any]:
    result: dict[str, Any] = {"image": image, "status": STATUSES[state]}
    if filename is not None:
        result["filename"] = filename
    return result


def spec(value: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"component": "Image", "props": value}
    if key is not None:
        node["key"] = key
    return {"root": node}


def find(html: str, tag: str, **attrs: str) -> list[Any]:
    return [
        e
        for e in elements(html)
        if e.tag == tag
        and all(e.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
    ]


# ----------------------------------------------------------------------------------------
# the state matrix: every state x (filename or not) x (regenerate or not) x (light, dark)
# ----------------------------------------------------------------------------------------

MATRIX = [
    pytest.param(state, filename, regenerate, theme, id=f"{state}-{fn}-{rg}-{theme}")
    for state in STATUSES
    for filename, fn in ((None, "nofile"), ("sunset at sea.png", "file"))
    for regenerate, rg in ((False, "noregen"), (True, "regen"))
    for theme in ("light", "dark")
]


@pytest.mark.parametrize(("state", "filename", "regenerate", "theme"), MATRIX)
def test_every_state_renders_accessibly_with_and_without_filename_regenerate_and_theme(
    state: str, filename: str | None, regenerate: bool, theme: Literal["light", "dark"]
) -> None:
    r = renderer(regenerate)
    fragment = str(r.render(spec(props(state, filename=filename), key="gen-1")))
    page = str(r.render_page(spec(props(state, filename=filename), key="gen-1"), theme=theme))
    # the theme is page-level: the fragment is the same, the page carries the theme
    assert fragment in page
    assert f'data-genui-theme="{theme}"' in page
    assert parse_errors(fragment) == []
    figure = elements(fragment)[0]
    assert figure.tag == "figure"
    classes = figure.get("class").split()
    assert "genui-image" in classes
    assert figure.get("data-genui-path") == "/root"
    assert figure.get("data-genui-key") == "gen-1"
    imgs = find(fragment, "img")
    forms = find(fragment, "form")
    downloads = [a for a in find(fragment, "a") if a.get("download") is not None]
    copies = [b for b in find(fragment, "button") if b.get("data-genui-copy-image") is not None]

    if state in ("running", "preview"):
        assert "genui-image--running" in classes
        assert figure.get("aria-busy") == "true"
        live = find(fragment, "span", role="status")
        assert len(live) == 1 and live[0].get("aria-live") == "polite"
        assert live[0].text == "Generating image…"
        assert "genui-visually-hidden" in live[0].get("class")
        assert not downloads and not copies and not forms
        if state == "running":
            assert imgs == [] and PNG not in fragment
            assert find(fragment, "span", class_="genui-image__spinner")
            assert find(fragment, "progress") == []
        else:
            assert [i.get("src") for i in imgs] == [PNG]
            bar = find(fragment, "progress")
            assert len(bar) == 1 and (bar[0].get("value"), bar[0].get("max")) == ("40", "100")
            assert bar[0].get("aria-label")
    elif state == "complete":
        assert "genui-image--complete" in classes
        label = filename if filename is not None else "Generated image"
        # a data: URL is written once: the thumbnail's src; genui.js gives it to the others
        assert fragment.count(PNG) == 1
        assert [(i.get("src"), i.get("alt")) for i in imgs] == [(PNG, label), (None, label)]
        assert imgs[1].get("data-genui-image-src") == ""
        (zoom,) = find(fragment, "button", class_="genui-image__zoom")
        (dialog,) = find(fragment, "dialog")
        assert dialog.get("popover") == "" and dialog.get("id") == zoom.get("popovertarget")
        assert dialog.get("aria-label") == label
        (close,) = find(fragment, "button", class_="genui-image__close")
        assert close.get("popovertarget") == dialog.get("id")
        assert close.get("popovertargetaction") == "hide"
        assert [
            (a.get("href"), a.get("download"), a.get("hidden"), a.get("data-genui-image-src"))
            for a in downloads
        ] == [(None, filename if filename is not None else "image.png", "", "")]
        assert [(b.get("data-genui-copy-image"), b.get("hidden")) for b in copies] == [("", "")]
    else:
        assert "genui-image--incomplete" in classes
        assert f"genui-image--{state}" in classes
        assert imgs == [] and not downloads and not copies
        assert PNG not in fragment and "data:" not in fragment
        (card,) = find(fragment, "div", class_="genui-image__error")
        assert card.get("role") == "status"
        text = "".join(card.itertext())
        if state == "cancelled":
            assert "Image generation was cancelled" in text
        else:
            assert "Image could not be generated" in text
        if state == "content-filter":
            assert "content policy" in text and "Blocked" not in text
        if state == "error":
            assert "Service <b>down</b> & out" in text  # shown, as text
            assert "Service &lt;b&gt;down&lt;/b&gt; &amp; out" in fragment
        if state == "length":
            assert "length limit" in text

    regenerate_shown = regenerate and state in ("complete", *FAILED)
    assert len(forms) == (1 if regenerate_shown else 0)
    if regenerate_shown:
        (form,) = forms
        assert (form.get("method"), form.get("action")) == ("post", "/images/regenerate")
        hidden = {i.get("name"): i.get("value") for i in find(fragment, "input", type="hidden")}
        assert hidden == {"genui_path": "/root", "genui_key": "gen-1", "csrf": "t0k"}
        (submit,) = [b for b in form.iter() if b.tag == "button"]
        assert (submit.get("type"), submit.text) == ("submit", "Regenerate")
    if filename is not None and state in ("content-filter", *FAILED):
        assert filename not in fragment  # error cards say what happened, not the file name


def test_content_filter_output_has_no_img_and_no_trace_of_the_image_url() -> None:
    secret = "https://cdn.example.com/blocked/7f3a9.png"
    for image in (secret, PNG):
        for extra in ({}, {"alt": "x", "filename": "blocked.png"}):
            value = {**props("content-filter", image=image), **extra}
            for regenerate in (False, True):
                html = str(renderer(regenerate).render(spec(value)))
                assert "<img" not in html
                assert image not in html
                assert "7f3a9" not in html and "base64" not in html
                assert "download" not in html and "data-genui-copy-image" not in html
                assert "<form" not in html and "data-genui-event" not in html


def test_a_preview_without_a_usable_url_shows_the_spinner_and_the_progress_only() -> None:
    result = Renderer().render_with_report(
        spec({"image": "javascript:alert(1)", "status": {"type": "running", "progress": 1}})
    )
    assert "<img" not in result.html and "javascript" not in result.html
    assert "genui-image__spinner" in result.html and 'value="100"' in result.html
    assert [(e.prop, e.reason) for e in result.report] == [("image", "unsafe_url_scheme")]


def test_a_complete_image_without_a_url_is_an_unavailable_card() -> None:
    html = str(Renderer().render(spec({"alt": "A chart"})))
    assert "genui-image--unavailable" in html and "Image unavailable" in html
    assert "<img" not in html and "<a" not in html and "popover" not in html


def test_alt_text_comes_from_alt_then_filename_then_a_generic_label() -> None:
    assert ImagePart(image=PNG, alt="A", filename="b.png").label == "A"
    assert ImagePart(image=PNG, filename="b.png").label == "b.png"
    assert ImagePart(image=PNG).label == "Generated image"
    html = str(render_image(ImagePart(image=PNG, alt="")))
    assert 'alt=""' in html and ">Enlarge image</span>" in html  # decorative, still a name


# ----------------------------------------------------------------------------------------
# a large URL is written once (issue 16)
# ----------------------------------------------------------------------------------------

BIG = data_url(png_bytes(8, 8) + b"\0" * 750_000)  # a PNG's magic number, then padding
"""A 1 MB base64 data URL whose bytes are a PNG (so it is offered as a download)."""
SMALL_CONSTANT = 2_000
"""What a complete image's HTML may cost beyond its URL: markup, names, labels."""


def parts_of(html: str) -> dict[str, Any]:
    """The complete image's thumbnail, zoomed image, download link and copy button."""
    (thumbnail,) = find(html, "img", class_="genui-image__img")
    (zoomed,) = find(html, "img", class_="genui-image__zoomed")
    links = find(html, "a", class_="genui-image__action genui-image__download")
    copies = find(html, "button", class_="genui-image__action genui-image__copy")
    return {"thumbnail": thumbnail, "zoomed": zoomed, "links": links, "copies": copies}


def test_a_1_mb_data_url_image_is_written_once_in_the_thumbnail() -> None:
    assert len(BIG) > 1_000_000
    for r in (renderer(False), renderer(True)):
        html = str(r.render(spec({"image": BIG, "filename": "hills.png"}, key="k")))
        assert html.count(BIG) == 1
        assert len(html) <= len(BIG) + SMALL_CONSTANT
        assert parse_errors(html) == []
        found = parts_of(html)
        assert found["thumbnail"].get("src") == BIG  # works with no script
        assert found["zoomed"].get("src") is None
        assert found["zoomed"].get("data-genui-image-src") == ""
        (link,) = found["links"]
        assert link.get("href") is None and link.get("hidden") == ""  # never a dead link
        assert link.get("data-genui-image-src") == "" and link.get("download") == "hills.png"
        (copy,) = found["copies"]
        assert copy.get("data-genui-copy-image") == "" and copy.get("hidden") == ""


def test_a_stream_sends_a_1_mb_data_url_image_once_and_diffs_it_as_one_element() -> None:
    stream = SpecStream()
    (reset,) = stream.replace(spec({"image": BIG, "status": {"type": "running"}}, key="k"))
    assert BIG not in reset.html  # a spinner: the URL is not shown yet
    updates = stream.apply(
        [{"op": "replace", "path": "/root/props/status", "value": {"type": "complete"}}]
    )
    assert sum(len(u.html) for u in updates) <= len(BIG) + SMALL_CONSTANT
    assert [(u.op, u.target, u.html.count(BIG)) for u in updates] == [("replace", "/root", 1)]
    html = updates[0].html  # the image node's HTML is one element: the figure
    assert html.startswith("<figure") and html.endswith("</figure>")
    assert html.count("<figure") == 1
    assert stream.html().count(BIG) == 1
    # a later change of another prop re-sends the figure: still the URL once
    updates = stream.apply([{"op": "add", "path": "/root/props/alt", "value": "Hills"}])
    assert [(u.op, u.target, u.html.count(BIG)) for u in updates] == [("replace", "/root", 1)]
    assert len(updates[0].html) <= len(BIG) + SMALL_CONSTANT


@pytest.mark.parametrize("image", [PNG, HTTPS + "&pad=" + "x" * MAX_REPEATED_URL_LENGTH])
def test_which_urls_are_written_once_data_urls_and_long_urls(image: str) -> None:
    part = ImagePart(image=image)
    assert part.writes_url_once
    html = str(render_image(part))
    assert html.count(escape(image)) == 1
    found = parts_of(html)
    assert found["thumbnail"].get("src") == image
    assert found["zoomed"].get("data-genui-image-src") == ""
    (link,) = found["links"]
    assert (link.get("href"), link.get("hidden")) == (None, "")
    assert link.get("download") == ("image.png" if image == PNG else "image.webp")


@pytest.mark.parametrize(
    "image",
    [HTTPS, "/files/chart.png", "blob:https://app.example.com/6f1c", "https://x.example/a.png"],
)
def test_short_urls_are_written_in_each_place_and_need_no_script(image: str) -> None:
    part = ImagePart(image=image, filename="a.png")
    assert not part.writes_url_once
    html = str(render_image(part))
    assert "data-genui-image-src" not in html
    found = parts_of(html)
    assert found["thumbnail"].get("src") == found["zoomed"].get("src") == image
    (link,) = found["links"]
    assert (link.get("href"), link.get("hidden")) == (image, None)
    assert link.get("download") == part.download_name
    (copy,) = found["copies"]
    assert copy.get("data-genui-copy-image") == image


def test_the_length_threshold_is_inclusive() -> None:
    base = "https://images.example.com/a.png?q="
    at = base + "x" * (MAX_REPEATED_URL_LENGTH - len(base))
    assert len(at) == MAX_REPEATED_URL_LENGTH
    assert not ImagePart(image=at).writes_url_once
    assert str(render_image(ImagePart(image=at))).count(at) == 4
    assert ImagePart(image=at + "x").writes_url_once
    assert str(render_image(ImagePart(image=at + "x"))).count(at) == 1
    assert not ImagePart().writes_url_once


def test_the_download_marker_is_written_only_where_the_server_offers_the_download() -> None:
    svg = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="
    for image in (svg, data_url(b"<!doctype html><script>alert(1)</script>", "image/png")):
        part = ImagePart(image=image, filename="a.png")
        assert part.writes_url_once and part.download_url is None
        html = str(render_image(part))
        assert html.count(image) == 1
        assert find(html, "a") == [] and "download" not in html
        # the zoom and the copy still get the image from the thumbnail
        assert html.count("data-genui-image-src") == 1
        assert parts_of(html)["zoomed"].get("data-genui-image-src") == ""
    r = Renderer()
    configure_image_actions(r, ImageActions(download=False))
    html = str(render_image(ImagePart(image=BIG), renderer=r))
    assert find(html, "a") == [] and html.count("data-genui-image-src") == 1
    assert html.count(BIG) == 1


# ----------------------------------------------------------------------------------------
# hostile values
# ----------------------------------------------------------------------------------------

DANGEROUS = [v["input"] for v in load_corpus("url_vectors.json") if v["dangerous"]]


@pytest.mark.parametrize("state", ["complete", "preview", "content-filter", "error"])
def test_dangerous_corpus_urls_never_reach_a_src_or_href(state: str) -> None:
    r = renderer(True)
    for url in DANGEROUS:
        value = {**props(state, image=url), "filename": url, "alt": url}
        result = r.render_with_report(spec(value))
        html = str(result.html)
        assert parse_errors(html) == []
        for tag, attribute, found in attributes(html):
            if is_url_attribute(attribute) or attribute == "data-genui-copy-image":
                assert found == "/images/regenerate", (url, tag, attribute, found)
            assert not attribute.lower().startswith("on")
        assert "<img" not in html
        assert [e.prop for e in result.report] == ["image"], url
        assert find(html, "a") == []


@pytest.mark.parametrize(
    "url",
    [
        "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=",
        "mailto:someone@example.com",
        "tel:+15550100",
        "ftp://files.example.com/a.png",
    ],
)
def test_the_download_link_only_offers_urls_that_are_safe_to_navigate_to(url: str) -> None:
    part = ImagePart(image=url)
    assert part.image == url  # fine to load as an image ...
    assert part.download_url is None  # ... but never offered as a link
    html = str(render_image(part))
    assert "<img" in html and "download=" not in html


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (PNG, "image.png"),
        (data_url(b"\xff\xd8\xff\xe0", "image/jpeg"), "image.jpg"),
        (HTTPS, "image.webp"),
        ("/files/chart.GIF#x", "image.gif"),
        ("blob:https://app.example.com/6f1c", "image"),
        ("https://example.com/render?id=1", "image"),
    ],
)
def test_download_names_come_from_the_mime_type_or_the_url_path(url: str, name: str) -> None:
    part = ImagePart(image=url)
    assert part.download_url == url
    assert part.download_name == name


@pytest.mark.parametrize(
    ("url", "filename", "name"),
    [
        (PNG, "invoice.html", "invoice.png"),
        (PNG, "chart.svg", "chart.png"),
        (PNG, "setup.exe", "setup.png"),
        (PNG, "q3.jpeg", "q3.png"),
        (data_url(png_bytes(2, 2), "image/svg+xml"), "x.svg", "x.png"),  # the bytes decide
        (data_url(b"\xff\xd8\xff\xe0", "image/png"), "a.png", "a.jpg"),
        ("https://cdn.example/a.webp", "a.html", "a.webp"),
        ("https://cdn.example/a.svg", "a.svg", "a"),
        ("https://cdn.example/render?id=1", "run.exe", "run"),
        ("blob:https://app.example.com/6f1c", "x.html", "x"),
    ],
)
def test_the_download_extension_is_what_the_image_is_never_the_filename_s(
    url: str, filename: str, name: str
) -> None:
    assert ImagePart(image=url, filename=filename).download_name == name


@pytest.mark.parametrize("declared", ["image/png", "image/gif", "image/svg+xml"])
def test_a_data_url_whose_bytes_are_no_raster_image_is_not_offered_as_a_download(
    declared: str,
) -> None:
    for data in (b"<!doctype html><script>alert(1)</script>", b"GIF8", b""):
        part = ImagePart(image=data_url(data, declared), filename="a.png")
        assert part.download_url is None, (declared, data)
    assert ImagePart(image="data:image/png,plain-text").download_url is None  # not base64


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sunset.png", "sunset.png"),
        ("../../etc/passwd", "passwd.png"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Users\\me\\cat.jpg", "cat.jpg"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("a\x00b\x1fc\x7f.png", "abc.png"),
        ('what? "now" <x>|y*.png', "what_ _now_ _x__y_.png"),
        ("  . hidden .  ", "hidden.png"),
        ("...", "image.png"),
        ("", "image.png"),
        ("CON", "_CON.png"),
        ("lpt1.png", "_lpt1.png"),
        ("multi   space\u2003name.png", "multi space name.png"),
    ],
)
def test_download_file_names_are_sanitized(raw: str, expected: str) -> None:
    assert safe_filename(raw, extension="png") == expected


def test_long_file_names_are_shortened_keeping_the_extension() -> None:
    name = safe_filename("x" * 500 + ".jpeg")
    assert len(name) == 120 and name.endswith("x.jpeg")
    assert len(safe_filename("é" * 300, extension="png")) == 120


def test_image_extension_reads_data_urls_and_paths() -> None:
    assert image_extension("data:image/svg+xml;base64,AAAA") == "svg"
    assert image_extension("data:text/plain;base64,AAAA") is None
    assert image_extension("https://x.example/a/b.tar.png?q=1.jpg") == "png"
    assert image_extension("https://x.example/a.exe") is None
    assert image_extension(None) is None


# ----------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------


def test_image_part_defaults_to_complete_and_rejects_unsafe_urls_without_raising() -> None:
    part = ImagePart(image="javascript:alert(1)")
    assert part.type == "image" and part.image is None and part.state == "unavailable"
    assert ImagePart(image=PNG).status.type == "complete"


def test_status_is_a_discriminated_union_with_bounded_progress() -> None:
    part = ImagePart.model_validate({"image": PNG, "status": {"type": "running", "progress": 1}})
    assert isinstance(part.status, ImageRunning) and part.percent == 100
    failed = ImagePart.model_validate(
        {"status": {"type": "incomplete", "reason": "length", "error": "x"}}
    )
    assert isinstance(failed.status, ImageIncomplete) and failed.state == "failed"
    for bad in (
        {"type": "running", "progress": 1.5},
        {"type": "running", "progress": -0.1},
        {"type": "incomplete"},
        {"type": "incomplete", "reason": "bored"},
        {"type": "finished"},
        {"progress": 0.5},
        {"type": "complete", "extra": 1},
    ):
        with pytest.raises(ValidationError):
            ImagePart.model_validate({"image": PNG, "status": bad})


def test_image_part_round_trips_through_json() -> None:
    part = ImagePart(image=PNG, alt="a", filename="b.png", status=ImageRunning(progress=0.25))
    assert ImagePart.model_validate_json(part.model_dump_json()) == part


def test_the_props_schema_requires_the_status_tag_and_fits_the_strict_catalog() -> None:
    schema = ImagePart.model_json_schema()
    for definition in schema["$defs"].values():
        assert definition["required"][0] == "type"
    for strict in (False, True):
        validator = jsonschema.Draft202012Validator(json_schema(strict=strict))
        for state in STATUSES:
            value = props(state, filename="a.png")
            if strict:  # strict mode: every prop present, null meaning absent
                value = {"type": "image", "alt": None, **value}
                status = dict(value["status"])
                if status["type"] == "running":
                    status.setdefault("progress", None)
                if status["type"] == "incomplete":
                    status.setdefault("error", None)
                value["status"] = status
            node: dict[str, Any] = {"component": "Image", "props": value}
            if strict:
                node["key"] = None
            validator.validate({"root": node})
            Renderer().render({"root": node})


# ----------------------------------------------------------------------------------------
# render_image and the actions
# ----------------------------------------------------------------------------------------


def test_render_image_renders_a_part_like_a_spec_with_that_part() -> None:
    part = ImagePart(image=PNG, filename="a.png", status=ImageRunning(progress=0.5))
    assert isinstance(render_image(part), Markup)
    expected = Renderer().render(spec(part.model_dump(mode="json", exclude_none=True), key="k"))
    assert render_image(part, key="k") == expected


def test_render_image_validates_a_mapping_and_reports_a_rejected_url() -> None:
    report = SanitizeReport()
    html = render_image({"image": "vbscript:x", "alt": "A"}, report=report)
    assert "Image unavailable" in html
    assert [(e.path, e.prop, e.reason) for e in report] == [("/root", "image", "unsafe_url_scheme")]
    with pytest.raises(TypeError):
        render_image("data:image/png;base64,AAAA")  # type: ignore[arg-type]


def test_regenerate_only_when_configured_and_the_url_comes_from_the_app() -> None:
    plain = str(render_image(ImagePart(image=PNG)))
    assert "<form" not in plain and "Regenerate" not in plain
    r = Renderer()
    configure_image_actions(r, ImageActions(regenerate_url=" /regen?x=1&y=2 "))
    html = str(render_image(ImagePart(image=PNG), renderer=r))
    assert 'action="/regen?x=1&amp;y=2"' in html  # normalized by sanitize_url, then escaped
    configure_image_actions(r, None)
    assert "<form" not in str(render_image(ImagePart(image=PNG), renderer=r))


def test_event_only_regenerate_is_a_hidden_button_for_genui_js() -> None:
    r = Renderer()
    configure_image_actions(r, ImageActions(regenerate_event="genui:regenerate"))
    html = str(render_image(props("error"), renderer=r))
    (button,) = find(html, "button", data_genui_event="genui:regenerate")
    assert button.get("hidden") == "" and button.get("data-genui-action") == "regenerate"
    assert "<form" not in html


def test_download_and_copy_can_be_switched_off() -> None:
    r = Renderer()
    configure_image_actions(r, ImageActions(download=False, copy=False))
    html = str(render_image(ImagePart(image=PNG), renderer=r))
    assert "download" not in html and "data-genui-copy-image" not in html
    assert "genui-image__actions" not in html


@pytest.mark.parametrize(
    "actions",
    [
        {"regenerate_url": "javascript:alert(1)"},
        {"regenerate_url": "data:text/html,x"},
        {"regenerate_event": "x onclick=alert(1)"},
        {"regenerate_event": ""},
        {"regenerate_fields": {"a b": "x"}},
        {"regenerate_fields": {"genui_path": "x"}},
    ],
)
def test_image_actions_refuse_unsafe_configuration(actions: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ImageActions(**actions)


def test_the_regenerate_url_must_also_pass_the_renderers_policy() -> None:
    r = Renderer(url_policy=UrlPolicy.https_only())
    with pytest.raises(ValueError):
        configure_image_actions(r, ImageActions(regenerate_url="http://app.example.com/regen"))
    with pytest.raises(TypeError):
        configure_image_actions(r, {"regenerate_url": "/x"})  # type: ignore[arg-type]


def test_regenerate_fields_and_keys_are_escaped() -> None:
    r = Renderer()
    configure_image_actions(r, ImageActions(regenerate_url="/r", regenerate_fields={"t": '"><x'}))
    html = str(render_image(props("complete"), renderer=r, key='"><script>'))
    assert "<script" not in html and "<x" not in html
    hidden = {i.get("name"): i.get("value") for i in find(html, "input")}
    assert hidden == {"genui_path": "/root", "genui_key": '"><script>', "t": '"><x'}


def test_zoom_ids_are_unique_per_node_in_one_fragment() -> None:
    nodes = [{"component": "Image", "props": {"image": PNG}} for _ in range(3)]
    html = str(Renderer().render({"root": nodes}))
    ids = [d.get("id") for d in find(html, "dialog")]
    assert len(set(ids)) == 3
    targets = [b.get("popovertarget") for b in find(html, "button", class_="genui-image__zoom")]
    assert targets == ids


def test_the_applications_strings_are_text_even_when_they_are_markup() -> None:
    """ImageActions' URL, label and fields are escaped like every other value."""
    r = Renderer()
    actions = ImageActions(
        regenerate_url=Markup('/regen?a=1&b="x'),
        regenerate_label=Markup("<b>Again</b>"),
        regenerate_fields={"t": Markup("<i>")},
    )
    configure_image_actions(r, actions)
    html = str(render_image(props("error"), renderer=r))
    assert 'action="/regen?a=1&amp;b=&#34;x"' in html
    assert ">&lt;b&gt;Again&lt;/b&gt;</button>" in html
    assert 'name="t" value="&lt;i&gt;"' in html


# ----------------------------------------------------------------------------------------
# the writer's source
# ----------------------------------------------------------------------------------------

CHECKED_URLS = {
    "src": {
        "props.image",  # ImageUrl: the image URL policy
        "props.preview",  # ImagePart.preview: props.image while running with a progress
    },
    "data-genui-copy-image": {"props.image"},
    "href": {"props.download_url"},  # ImagePart.download_url: props.image, restricted further
    "action": {"actions.regenerate_url"},  # the app's URL, sanitize_url'd by ImageActions
}


def test_every_url_attribute_in_the_image_writer_is_a_checked_url_escaped() -> None:
    written = url_attributes(write_image)
    assert {attribute for attribute, _ in written} == set(CHECKED_URLS)
    for attribute, sources in written:
        # each value goes through escape_html, from nothing but the checked URLs
        assert sources, attribute
        assert sources <= CHECKED_URLS[attribute], (attribute, sources)
    source = writer_source(write_image).lower()
    for forbidden in ("|safe", "markup(", "style=", "<script", "<style", "srcdoc"):
        assert forbidden not in source, forbidden
    assert re.search(r"\son[a-z]*\s*=", source) is None, "an event handler attribute"


def test_the_image_component_is_registered_with_the_part_as_props() -> None:
    assert IMAGE.props_model is ImagePart
    assert IMAGE.children == "none"
    example = IMAGE.example
    assert example is not None
    assert json.loads(json.dumps(example))["props"]["filename"] == "q3-revenue.png"
