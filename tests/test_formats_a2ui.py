"""genui.formats.a2ui against A2UI's own test material (tests/corpora/a2ui, see SOURCE.md).

* every basic-catalog example converts with no error, validates, renders, and shows every
  literal text its components carry (and the data-model strings its texts bind);
* every schema test case: the valid ones are accepted, the invalid ones refused with a
  pointer into the message, never with a foreign exception (with A2UI's JSON Schema given
  to the adapter; how many the built-in checks alone refuse is pinned too);
* hostile A2UI (``javascript:`` in openUrl and media URLs, cycles, dangling ids, deep
  chains, huge adjacency lists, wrong types, client messages) gives typed errors;
* updates apply one message at a time, a data-model update re-renders only its readers;
* genui → A2UI → genui gives the same HTML for drawn specs over the shared components.
"""

from __future__ import annotations

import html as html_module
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import genui
from genui.formats import a2ui
from genui.formats.a2ui import (
    BASIC_CATALOG_ID,
    A2UIAdapter,
    A2UIIssue,
    from_a2ui,
    schema_validator,
    to_a2ui,
    validation_failed,
)
from genui.testing import specs
from tests.security import violations

CORPUS = Path(__file__).parent / "corpora" / "a2ui"
EXAMPLES = sorted((CORPUS / "examples").glob("*.json"))
CASE_FILES = sorted((CORPUS / "cases").glob("*.json"))
SHARED = ("Text", "Heading", "Stack", "Divider", "List", "ListItem", "Link", "Card", "Image")
"""genui components A2UI's basic catalog has a counterpart for (Button needs actions)."""


def _load(name: str) -> Any:
    return json.loads((CORPUS / "schema" / name).read_text(encoding="utf-8"))


SCHEMA = schema_validator(
    _load("server_to_client.json"), _load("common_types.json"), _load("basic_catalog.json")
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return _norm(" ".join(parser.parts))


def _norm(text: str) -> str:
    return " ".join(html_module.unescape(text).split())


def _literal_texts(messages: list[Any], dropped: set[str]) -> list[str]:
    """The literal strings the example's components show (texts, labels, options, tabs)."""
    texts: list[str] = []
    model: Any = {}
    for message in messages:
        if "updateDataModel" in message and message["updateDataModel"].get("path", "/") == "/":
            model = message["updateDataModel"].get("value", {})
    final: dict[str, Any] = {}
    for message in messages:
        for comp in message.get("updateComponents", {}).get("components", []):
            final[comp["id"]] = comp  # a later definition replaces an earlier one
    for comp in final.values():
        if comp["id"] in dropped:
            continue
        if True:
            for key in ("text", "label"):
                value = comp.get(key)
                if isinstance(value, str):
                    texts.append(value)
                elif isinstance(value, dict) and value.get("call") == "formatString":
                    template = value["args"]["value"]
                    texts.extend(lit for lit, _ in a2ui._split_template(template) if lit.strip())
                elif (
                    isinstance(value, dict)
                    and isinstance(value.get("path"), str)
                    and value["path"].startswith("/")
                ):
                    found, bound = a2ui._lookup(model, value["path"])
                    if found and isinstance(bound, str) and comp["component"] == "Text":
                        texts.append(bound)
            for option in comp.get("options", []):
                if isinstance(option.get("label"), str):
                    texts.append(option["label"])
            for tab in comp.get("tabs", []):
                if isinstance(tab.get("title"), str):
                    texts.append(tab["title"])
    return [t for t in (_norm(t) for t in texts) if t]


def _render(spec: dict[str, Any], actions: genui.Actions) -> str:
    return str(genui.Renderer(actions=actions).render(spec))


# -- the basic catalog's examples ---------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_converts_validates_renders_and_shows_its_text(path: Path) -> None:
    messages = json.loads(path.read_text(encoding="utf-8"))["messages"]
    result = from_a2ui(messages, schema=SCHEMA)
    assert result.errors == ()
    assert len(result.specs) == 1
    spec = next(iter(result.specs.values()))
    actions = result.actions()
    checked = genui.validate(spec, actions=actions)
    assert checked.ok, [str(e) for e in checked.errors]
    rendered = _render(spec, actions)
    assert violations(rendered) == []
    text = visible_text(rendered)
    dropped = {i.component_id for i in _issues(messages)}
    dropped.discard(None)
    for literal in _literal_texts(messages, {d for d in dropped if d is not None}):
        assert literal in text, (literal, text[:2000])


def _issues(messages: list[Any]) -> list[A2UIIssue]:
    adapter = A2UIAdapter()
    adapter.feed_all(messages)
    return [
        i
        for i in adapter.issues
        if i.detail.code == "a2ui_orphan"
        or (i.detail.code == "a2ui_unsupported" and not i.detail.path.endswith("/checks"))
    ]


def test_examples_number_and_warnings_are_pinned() -> None:
    """The figures docs/formats.md gives."""
    warnings: dict[str, int] = {}
    for path in EXAMPLES:
        result = from_a2ui(json.loads(path.read_text(encoding="utf-8"))["messages"])
        for warning in result.warnings:
            warnings[warning.code] = warnings.get(warning.code, 0) + 1
    assert len(EXAMPLES) == 36
    assert set(warnings) <= {"a2ui_unsupported", "a2ui_approximated", "a2ui_orphan"}


def test_jsonl_example_streams_into_one_surface() -> None:
    text = (CORPUS / "cases" / "contact_form_example.jsonl").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert '"deleteSurface"' in lines[-1]
    actions = from_a2ui("".join(lines[:-1])).actions()
    assert sorted(actions) == ["submitContactForm"]
    adapter = A2UIAdapter(
        schema=SCHEMA,
        stream_factory=lambda surface: genui.SpecStream(renderer=genui.Renderer(actions=actions)),
    )
    updates = adapter.feed_all("".join(lines[:-1]))
    assert [i for i in adapter.issues if i.detail.code not in a2ui._WARNINGS] == []
    surface = adapter.surfaces["contact_form_1"]
    assert surface.stream is not None and updates
    assert "First Name" in visible_text(str(surface.stream.html()))
    adapter.feed_all(lines[-1])
    assert adapter.surfaces == {}


# -- the schema test cases ------------------------------------------------------------------


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in CASE_FILES:
        suite = json.loads(path.read_text(encoding="utf-8"))
        for number, case in enumerate(suite["tests"]):
            out.append((f"{path.stem}[{number}]", suite["schema"], case))
    return out


CASES = _cases()
SERVER_CASES = [c for c in CASES if c[1] == "server_to_client.json"]


def _feed_case(case: dict[str, Any], schema: Any) -> list[A2UIIssue]:
    data = case["data"]
    adapter = A2UIAdapter(schema=schema)
    kind = next((k for k in a2ui.MESSAGE_KINDS if k in data), None)
    if kind not in (None, "createSurface"):
        surface = data[kind].get("surfaceId", "test_surface")
        adapter.feed(
            {
                "version": "v0.9",
                "createSurface": {"surfaceId": surface, "catalogId": BASIC_CATALOG_ID},
            }
        )
        adapter.issues.clear()
    adapter.feed(data)
    return [i for i in adapter.issues if i.detail.code not in a2ui._WARNINGS]


@pytest.mark.parametrize(("name", "schema", "case"), SERVER_CASES, ids=[c[0] for c in SERVER_CASES])
def test_schema_case(name: str, schema: str, case: dict[str, Any]) -> None:
    errors = _feed_case(case, SCHEMA)
    if case["valid"]:
        assert errors == [], [str(e.detail) for e in errors]
    else:
        assert errors, case["description"]
        for issue in errors:
            assert re.match(r"^/\d+(/|$)", issue.detail.path)
            assert isinstance(issue.detail, genui.ErrorDetail)


def test_builtin_checks_alone() -> None:
    """Without A2UI's schema the adapter's own checks accept every valid case and refuse
    the invalid ones about the catalog (unknown props, enums, empty tabs); the rest are
    about client functions' arguments, which only the schema describes."""
    valid = [c for c in SERVER_CASES if c[2]["valid"]]
    invalid = [c for c in SERVER_CASES if not c[2]["valid"]]
    assert all(_feed_case(c[2], None) == [] for c in valid)
    refused = [c[0] for c in invalid if _feed_case(c[2], None)]
    assert (len(SERVER_CASES), len(valid), len(invalid), len(refused)) == (73, 35, 38, 5)


def test_client_messages_are_refused_and_errors_match_the_client_schema() -> None:
    from jsonschema import Draft202012Validator

    client = _load("client_to_server.json")
    validator = Draft202012Validator(client)
    for name, schema, case in CASES:
        if schema != "client_to_server.json" or not case["valid"]:
            continue
        adapter = A2UIAdapter()
        adapter.feed(case["data"])
        assert [i.detail.code for i in adapter.issues] == ["a2ui_client_message"], name
        shaped = validation_failed(adapter.issues[0])
        assert list(validator.iter_errors(shaped)) == []
    detail = genui.ErrorDetail("/1/updateComponents/components/0/text", "type_mismatch", "bad", "")
    shaped = validation_failed(A2UIIssue(detail, "main", "title"))
    assert list(validator.iter_errors(shaped)) == []
    assert shaped["error"]["message"].startswith("component 'title'")


# -- hostile A2UI ------------------------------------------------------------------------


def _surface(components: list[Any], data: Any = None) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [
        {"version": "v0.9", "createSurface": {"surfaceId": "s", "catalogId": BASIC_CATALOG_ID}},
        {"version": "v0.9", "updateComponents": {"surfaceId": "s", "components": components}},
    ]
    if data is not None:
        messages.append({"version": "v0.9", "updateDataModel": {"surfaceId": "s", "value": data}})
    return messages


def _codes(result: a2ui.A2UIResult) -> list[str]:
    return [e.code for e in result.errors]


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x"],
)
def test_hostile_urls_never_reach_the_html(url: str) -> None:
    components = [
        {"id": "root", "component": "Column", "children": ["b", "i", "v", "bb", "bt"]},
        {
            "id": "b",
            "component": "Button",
            "child": "t",
            "action": {"functionCall": {"call": "openUrl", "args": {"url": url}}},
        },
        {"id": "t", "component": "Text", "text": "Open"},
        {"id": "i", "component": "Image", "url": url},
        {"id": "v", "component": "Video", "url": url},
        {
            "id": "bb",
            "component": "Button",
            "child": "t2",
            "action": {"functionCall": {"call": "openUrl", "args": {"url": {"path": "/u"}}}},
        },
        {"id": "t2", "component": "Text", "text": "Bound"},
        {"id": "bt", "component": "Image", "url": {"path": "/u"}},
    ]
    result = from_a2ui(_surface(components, {"u": url}))
    spec = result.specs["s"]
    rendered = genui.render_with_report(spec)
    assert violations(str(rendered.html)) == []
    out = str(rendered.html).lower()
    assert "javascript" not in out.replace("\t", "")
    assert "java\tscript" not in out
    assert "data:text/html" not in out
    refused = [e.code for e in result.errors]
    assert "Open" in str(rendered.html) or "invalid_url" in refused


def test_cycles_dangling_duplicates_and_orphans() -> None:
    result = from_a2ui(
        _surface(
            [
                {"id": "root", "component": "Column", "children": ["a", "ghost", "root"]},
                {"id": "a", "component": "Card", "child": "a"},
                {"id": "a", "component": "Text", "text": "dup"},
                {"id": "lonely", "component": "Text", "text": "nobody reaches me"},
            ]
        )
    )
    codes = _codes(result)
    assert codes.count("a2ui_cycle") == 2
    assert "a2ui_dangling_reference" in codes and "a2ui_duplicate_id" in codes
    by_code = {e.code: e for e in result.errors}
    assert by_code["a2ui_duplicate_id"].path == "/1/updateComponents/components/2/id"
    assert by_code["a2ui_dangling_reference"].path == "/1/updateComponents/components/0/children/1"
    assert [w.path for w in result.warnings if w.code == "a2ui_orphan"] == [
        "/1/updateComponents/components/3/id"
    ]
    assert genui.validate(result.specs["s"]).ok


def test_deep_chain_and_huge_lists_are_bounded() -> None:
    chain = [{"id": "root", "component": "Column", "children": ["c0"]}]
    chain += [
        {"id": f"c{n}", "component": "Column", "children": [f"c{n + 1}"]} for n in range(5000)
    ]
    chain.append({"id": "c5000", "component": "Text", "text": "bottom"})
    result = from_a2ui(_surface(chain))
    assert "too_deep" in _codes(result)
    wide = [{"id": "root", "component": "Column", "children": [f"t{n}" for n in range(30000)]}]
    wide += [{"id": f"t{n}", "component": "Text", "text": "x"} for n in range(30000)]
    result = from_a2ui(_surface(wide))
    assert "too_many_nodes" in _codes(result)
    # A diamond lattice: each level referenced twice would double without the node cap.
    lattice = [{"id": "root", "component": "Row", "children": ["l0", "l0"]}]
    lattice += [
        {"id": f"l{n}", "component": "Row", "children": [f"l{n + 1}", f"l{n + 1}"]}
        for n in range(40)
    ]
    lattice.append({"id": "l40", "component": "Text", "text": "leaf"})
    result = from_a2ui(_surface(lattice))
    assert "too_many_nodes" in _codes(result)


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ([], "type_mismatch"),
        ({"version": "v0.9"}, "a2ui_message_kind"),
        ({"version": "v0.8", "deleteSurface": {"surfaceId": "s"}}, "a2ui_version"),
        (
            {"version": "v0.9", "updateComponents": {"surfaceId": "s", "components": {}}},
            "type_mismatch",
        ),
        (
            {"version": "v0.9", "updateComponents": {"surfaceId": 3, "components": []}},
            "a2ui_surface_id",
        ),
        (
            {"version": "v0.9", "updateComponents": {"surfaceId": "nope", "components": [{}]}},
            "a2ui_unknown_surface",
        ),
        (
            {"version": "v0.9", "createSurface": {"surfaceId": "s", "catalogId": BASIC_CATALOG_ID}},
            "a2ui_surface_exists",
        ),
        ({"version": "v0.9", "action": {"name": "x", "surfaceId": "s"}}, "a2ui_client_message"),
        (
            {"version": "v0.9", "updateDataModel": {"surfaceId": "s", "path": "no-slash"}},
            "invalid_pointer",
        ),
        ({"version": "v0.9", "createSurface": {}, "deleteSurface": {}}, "a2ui_message_kind"),
    ],
)
def test_wrong_messages_give_typed_errors(message: Any, code: str) -> None:
    adapter = A2UIAdapter()
    adapter.feed(
        {"version": "v0.9", "createSurface": {"surfaceId": "s", "catalogId": BASIC_CATALOG_ID}}
    )
    adapter.feed(message)
    assert code in [i.detail.code for i in adapter.issues]
    assert all(i.detail.path.startswith("/1") for i in adapter.issues)


def test_regex_patterns_are_never_run() -> None:
    """A2UI's validationRegexp and regex checks run in the client; genui reports them."""
    evil = "(a+)+$"
    result = from_a2ui(
        _surface(
            [
                {"id": "root", "component": "Column", "children": ["f"]},
                {
                    "id": "f",
                    "component": "TextField",
                    "label": "Name",
                    "value": {"path": "/name"},
                    "validationRegexp": evil,
                    "checks": [
                        {
                            "condition": {
                                "call": "regex",
                                "args": {"value": {"path": "/name"}, "pattern": evil},
                            },
                            "message": "no",
                        }
                    ],
                },
            ],
            {"name": "a" * 5000 + "!"},
        ),
        schema=SCHEMA,
    )
    assert result.errors == ()
    assert {w.path.rsplit("/", 1)[-1] for w in result.warnings} == {"checks", "validationRegexp"}
    assert evil not in json.dumps(result.specs["s"]["root"])


def test_pointers_and_deep_values() -> None:
    adapter = A2UIAdapter()
    adapter.feed_all(
        _surface([{"id": "root", "component": "Text", "text": {"path": "/a~1b/c~0d"}}])
    )
    adapter.feed(
        {
            "version": "v0.9",
            "updateDataModel": {"surfaceId": "s", "path": "/a~1b", "value": {"c~d": "slashed"}},
        }
    )
    assert adapter.surfaces["s"].data_model == {"a/b": {"c~d": "slashed"}}
    spec = adapter.spec("s")
    assert spec is not None and "slashed" in str(genui.render(spec))
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    for body, code in [
        ({"path": "/x~2"}, "invalid_pointer"),
        ({"path": "/x", "value": deep}, "too_deep"),
        ({"path": "/list/9", "value": 1}, None),
        ({"path": "/a~1b/3/x", "value": 1}, None),
    ]:
        adapter.issues.clear()
        adapter.feed({"version": "v0.9", "updateDataModel": {"surfaceId": "s", **body}})
        codes = [i.detail.code for i in adapter.issues]
        assert codes == ([code] if code else codes)
        assert all(i.detail.path.startswith("/") for i in adapter.issues)


def test_round_trip_keeps_state_bindings_and_repeats() -> None:
    spec = {
        "state": {"title": "Team", "rows": [{"name": "Ann", "n": 3}, {"name": "Bob", "n": 4.5}]},
        "root": {
            "component": "Card",
            "children": [
                {"component": "Heading", "props": {"text": {"$state": "/title"}}},
                {
                    "component": "List",
                    "children": [
                        {
                            "component": "ListItem",
                            "repeat": {"$state": "/rows"},
                            "children": [
                                {"component": "Text", "props": {"text": {"$item": "/name"}}}
                            ],
                        }
                    ],
                },
            ],
        },
    }
    messages, dropped = to_a2ui(spec)
    assert dropped == []
    components = messages[1]["updateComponents"]["components"]
    assert {"componentId": "root-body-1-0", "path": "/rows"} in [
        c.get("children") for c in components
    ]
    back = from_a2ui(messages)
    assert back.errors == ()
    assert str(genui.render(back.specs["main"])) == str(genui.render(spec))


def test_error_messages_for_the_agent() -> None:
    result = from_a2ui(_surface([{"id": "root", "component": "Column", "children": ["nope"]}]))
    [message] = result.error_messages()
    assert message["error"]["path"] == "/1/updateComponents/components/0/children/0"
    assert message["error"]["surfaceId"] == "s"


def test_wrong_component_types_give_typed_errors() -> None:
    result = from_a2ui(
        _surface(
            [
                {"id": "root", "component": "Column", "children": "a"},
                7,
                {"id": 5, "component": "Text", "text": "x"},
                {"id": "t", "component": "Text", "text": ["a"], "variant": "h9"},
                {
                    "id": "b",
                    "component": "Button",
                    "child": "t",
                    "action": {"event": {"name": "<x>"}},
                },
                {"id": "u", "component": "Marquee"},
            ]
        )
    )
    codes = set(_codes(result))
    assert {"type_mismatch", "a2ui_component_id", "invalid_value"} <= codes
    assert genui.validate(result.specs["s"]).ok


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
COMPONENT = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["root", "a", "b", "c"]) | JSON,
        "component": st.sampled_from(sorted(a2ui._CATALOG)) | JSON,
    },
    optional={
        "child": st.sampled_from(["root", "a", "b", "c"]) | JSON,
        "children": st.lists(st.sampled_from(["root", "a", "b", "c"]), max_size=3) | JSON,
        "text": JSON,
        "url": st.sampled_from(["javascript:alert(1)", "https://x.test/a.png"]) | JSON,
        "action": JSON,
        "label": JSON,
        "value": JSON,
        "options": JSON,
        "tabs": JSON,
    },
)


@settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(COMPONENT, min_size=1, max_size=6), JSON)
def test_fuzzed_components_never_crash(components: list[Any], data: Any) -> None:
    adapter = A2UIAdapter(streams=True)
    for message in _surface(components, data if isinstance(data, dict) else None):
        adapter.feed(message)
    for issue in adapter.issues:
        assert isinstance(issue.detail, genui.ErrorDetail)
    spec = adapter.spec("s")
    if spec is not None:
        rendered = genui.render_with_report(spec) if genui.validate(spec).ok else None
        if rendered is not None:
            assert violations(str(rendered.html)) == []


MESSAGE = st.fixed_dictionaries(
    {"version": st.sampled_from(["v0.9", "v0.8"]) | JSON},
    optional={
        kind: st.fixed_dictionaries(
            {"surfaceId": st.sampled_from(["s", "t"]) | JSON},
            optional={
                "catalogId": st.just(BASIC_CATALOG_ID) | JSON,
                "components": st.lists(COMPONENT, max_size=4) | JSON,
                "path": st.sampled_from(["/", "/a", "/a/0", "~", "/a~1b"]) | JSON,
                "value": JSON,
            },
        )
        | JSON
        for kind in (*a2ui.MESSAGE_KINDS, "action", "error")
    },
)


@settings(max_examples=150, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.lists(MESSAGE | JSON, max_size=8))
def test_fuzzed_messages_never_crash(messages: list[Any]) -> None:
    adapter = A2UIAdapter(schema=SCHEMA, streams=True)
    adapter.feed_all(messages)
    text = "\n".join(json.dumps(m) for m in messages) + "\n{not json"
    other = A2UIAdapter(streams=True)
    other.feed_all(text)
    for issue in [*adapter.issues, *other.issues]:
        assert isinstance(issue.detail, genui.ErrorDetail)
        assert issue.detail.path.startswith("/")


# -- incremental updates ----------------------------------------------------------------


def test_data_model_update_patches_state_and_rerenders_only_readers() -> None:
    adapter = A2UIAdapter(streams=True)
    adapter.feed_all(
        _surface(
            [
                {"id": "root", "component": "Column", "children": ["title", "price", "note"]},
                {"id": "title", "component": "Text", "text": "Watchlist", "variant": "h2"},
                {"id": "price", "component": "Text", "text": {"path": "/price"}},
                {"id": "note", "component": "Text", "text": {"path": "/note"}},
            ],
            {"price": "10", "note": "steady"},
        )
    )
    stream = adapter.surfaces["s"].stream
    assert stream is not None
    updates = adapter.feed(
        {"version": "v0.9", "updateDataModel": {"surfaceId": "s", "path": "/price", "value": "12"}}
    )
    assert len(updates) == 1 and updates[0][0] == "s"
    ops = updates[0][1]
    assert len(ops) == 1 and "12" in ops[0].html and "steady" not in ops[0].html
    assert adapter.surfaces["s"].data_model == {"price": "12", "note": "steady"}
    # Removing a value: the reader shows nothing (the adapter's default), no error.
    adapter.feed({"version": "v0.9", "updateDataModel": {"surfaceId": "s", "path": "/note"}})
    assert "steady" not in str(stream.html())
    # New components replace the spec; a second surface stays apart.
    adapter.feed(
        {
            "version": "v0.9",
            "updateComponents": {
                "surfaceId": "s",
                "components": [
                    {"id": "title", "component": "Text", "text": "Renamed", "variant": "h2"}
                ],
            },
        }
    )
    assert "Renamed" in str(stream.html()) and "12" in str(stream.html())
    adapter.feed_all(
        [
            {"version": "v0.9", "createSurface": {"surfaceId": "t", "catalogId": BASIC_CATALOG_ID}},
            {
                "version": "v0.9",
                "updateComponents": {
                    "surfaceId": "t",
                    "components": [{"id": "root", "component": "Text", "text": {"path": "/price"}}],
                },
            },
        ]
    )
    other = adapter.surfaces["t"].stream
    assert other is not None and "12" not in str(other.html())
    adapter.feed({"version": "v0.9", "deleteSurface": {"surfaceId": "t"}})
    assert "t" not in adapter.surfaces


def test_template_becomes_repeat() -> None:
    path = CORPUS / "examples" / "34_child-list-template.json"
    result = from_a2ui(json.loads(path.read_text(encoding="utf-8"))["messages"])
    spec = result.specs["gallery-child-list-template"]
    dumped = json.dumps(spec)
    assert '"repeat": {"$state": "/items"}' in dumped
    assert '{"$item": "/a2ui:text:item-name.text"}' in dumped
    text = visible_text(str(genui.render(spec)))
    for word in ("Apple", "Banana", "Cherry", "20"):
        assert word in text


# -- out, and round trips --------------------------------------------------------------


def _inline_text(children: list[Any]) -> list[Any]:
    out = []
    for child in children:
        if isinstance(child, str):
            out.append(child)
        elif isinstance(child, (int, float)):
            out.append(json.dumps(child))
    return out


def a2ui_normal(node: Any, *, block: bool = True) -> Any:
    """A genui spec (or node) as A2UI's basic catalog can say it: the known divergences.

    A root list becomes one column; bare text in a block becomes a Text; a number is
    text; Text/Heading children keep only text (A2UI's Text is a string); tones other
    than muted, heading level 6, Stack gap and baseline alignment, List ordering, keys
    and an Image's filename/status have no A2UI counterpart; a Card's title and
    description become a heading and a caption inside it."""
    if isinstance(node, dict) and "root" in node:
        root = node["root"]
        if isinstance(root, list):
            root = {"component": "Stack", "children": root}
        return {"root": a2ui_normal(root)}
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        node = json.dumps(node)
    if isinstance(node, str):
        return a2ui._node("Text", {"text": node} if node else {}, []) if block else node
    name = node["component"]
    props = {k: v for k, v in (node.get("props") or {}).items() if v is not None}
    kids = list(node.get("children") or [])
    out: dict[str, Any] = {"component": name}
    new: dict[str, Any] = {}
    if name in ("Text", "Heading", "Link"):
        text = props["text"] if props.get("text") is not None else "".join(_inline_text(kids))
        kids = []
        if text != "":
            new["text"] = text
        if name == "Heading":
            new["level"] = min(int(props.get("level", 2)), 5)
        if name == "Text" and props.get("tone") == "muted":
            new["tone"] = "muted"
        if name == "Link" and props.get("href"):
            new["href"] = props["href"]
        elif name == "Link":
            name = "Text"  # a link going nowhere is its text (an A2UI Button must act)
    elif name == "Stack":
        if props.get("direction") == "horizontal":
            new["direction"] = "horizontal"
        if props.get("align") in ("start", "center", "end", "stretch"):
            new["align"] = props["align"]
        kids = [a2ui_normal(k) for k in kids]
    elif name == "Card":
        head: list[Any] = []
        if props.get("title") is not None:
            title = {"text": props["title"]} if props["title"] else {}
            head.append(a2ui._node("Heading", {"level": 3, **title}, []))
        if props.get("description") is not None:
            text = {"text": props["description"]} if props["description"] else {}
            head.append(a2ui._node("Text", {**text, "tone": "muted"}, []))
        kids = head + [a2ui_normal(k) for k in kids]
    elif name == "List":
        kids = [a2ui_normal(k) for k in kids]
    elif name == "ListItem":
        if props.get("text") is not None:
            kids = [a2ui._node("Text", {"text": props["text"]} if props["text"] else {}, [])]
        kids = [a2ui_normal(k) for k in kids]
        if len(kids) == 1 and kids[0]["component"] == "Stack" and not kids[0].get("props"):
            kids = kids[0].get("children", [])
    elif name == "Image":
        for key in ("image", "alt"):
            if key in props:
                new[key] = props[key]
    out = a2ui._node(name, new, kids)
    return out


SHARED_REGISTRY = genui.default_registry().only(*SHARED)


@settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None)
@given(specs(SHARED_REGISTRY))
def test_round_trip_genui_a2ui_genui_renders_the_same(spec: dict[str, Any]) -> None:
    if not genui.validate(spec, registry=SHARED_REGISTRY).ok:
        return
    normal = a2ui_normal(spec)
    messages, dropped = to_a2ui(normal)
    assert dropped == []
    for message in messages:
        assert SCHEMA(message, "") == [], message
    back = from_a2ui(messages)
    assert back.errors == ()
    renderer = genui.Renderer(SHARED_REGISTRY)
    assert str(renderer.render(back.specs["main"])) == str(renderer.render(normal))


def test_out_carries_actions_links_and_state() -> None:
    spec = {
        "root": {
            "component": "Stack",
            "children": [
                {"component": "Heading", "props": {"level": 1, "text": "Hi"}},
                {"component": "Text", "children": ["Total: ", {"$state": "/total"}]},
                {
                    "component": "Button",
                    "props": {
                        "label": "Buy",
                        "variant": "primary",
                        "action": {"name": "buy", "params": {"sku": "a1"}},
                    },
                },
                {"component": "Link", "props": {"href": "https://example.com", "text": "Docs"}},
            ],
        },
        "state": {"total": "3"},
    }
    messages, dropped = to_a2ui(spec, surface_id="shop")
    assert dropped == []
    assert [next(k for k in m if k != "version") for m in messages] == [
        "createSurface",
        "updateComponents",
        "updateDataModel",
    ]
    for message in messages:
        assert SCHEMA(message, "") == []
    back = from_a2ui(messages)
    assert back.errors == ()
    actions = back.actions()
    html = visible_text(_render(back.specs["shop"], actions))
    for text in ("Hi", "Total: 3", "Buy", "Docs"):
        assert text in html
