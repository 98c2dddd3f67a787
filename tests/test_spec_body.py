"""genui.SpecBody as a FastAPI body / pydantic field, and genui.fastapi's 422 handler.

No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations
at runtime, and several endpoints below are defined inside the test functions.
"""

import importlib
import json
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Annotated, Any

import pytest
from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError, field_validator

import genui
import genui.fastapi
import genui.spec
from genui.body import ERROR_TYPE, SpecValidator
from genui.validate import Checker, _Walk

# genui.validate is the function; the module it lives in:
validate_module = importlib.import_module("genui.validate")

# Four independent problems; every one is found, with its path, code and hint.
PROBLEMS: dict[str, Any] = {
    "root": [
        {"component": "Marquee", "props": {"text": "hi"}},
        {"component": "Heading", "props": {"level": 9, "text": "Title"}},
        {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "x"}},
        {"component": "Text", "props": {"text": "a", "colour": "red"}},
        "kept",
    ]
}
PROBLEM_PATHS = [
    ("/root/0/component", "unknown_component"),
    ("/root/1/props/level", "invalid_value"),
    ("/root/2/props/href", "unsafe_url"),
    ("/root/3/props/colour", "extra_field"),
]
VALID: dict[str, Any] = {
    "root": [{"component": "Heading", "props": {"level": 2, "text": "Hi"}}, "and text"]
}

received: list[genui.GenerativeUISpec] = []


class Envelope(BaseModel):
    """A body with a spec inside, beside other fields."""

    title: str
    spec: genui.SpecBody


def make_app(*, install: bool = True) -> FastAPI:
    app = FastAPI()
    if install:
        genui.fastapi.install(app)

    @app.post("/bare")
    def bare(spec: genui.SpecBody) -> dict[str, int]:
        received.append(spec)
        return {"roots": len(spec.roots)}

    @app.post("/embedded")
    def embedded(spec: Annotated[genui.SpecBody, Body(embed=True)]) -> dict[str, int]:
        received.append(spec)
        return {"roots": len(spec.roots)}

    @app.post("/model")
    def model(body: Envelope) -> dict[str, str]:
        received.append(body.spec)
        return {"title": body.title}

    @app.post("/echo")
    def echo(spec: genui.SpecBody) -> genui.SpecBody:
        return spec

    @app.get("/count")
    def count(n: int) -> int:
        return n

    return app


@pytest.fixture
def client() -> Iterator[TestClient]:
    received.clear()
    with TestClient(make_app()) as test_client:
        yield test_client


def paths_and_codes(response: Any) -> list[tuple[str, str]]:
    return [(detail["path"], detail["code"]) for detail in response.json()["detail"]]


def prefixed(prefix: str) -> list[tuple[str, str]]:
    return [(prefix + path, code) for path, code in PROBLEM_PATHS]


# -- valid bodies ------------------------------------------------------------------------


def test_a_valid_body_reaches_the_endpoint_as_a_generative_ui_spec(client: TestClient) -> None:
    response = client.post("/bare", json=VALID)
    assert (response.status_code, response.json()) == (200, {"roots": 2})
    (spec,) = received
    assert isinstance(spec, genui.GenerativeUISpec)
    assert spec == genui.parse_spec(VALID)


def test_a_flat_type_body_arrives_as_the_legacy_model(client: TestClient) -> None:
    flat = {"root": {"$type": "Card", "title": "Hi", "children": ["x"], "$key": "k"}}
    response = client.post("/bare", json=flat)
    assert response.status_code == 200, response.text
    (spec,) = received
    assert spec == genui.parse_spec(
        {"root": {"component": "Card", "props": {"title": "Hi"}, "children": ["x"], "key": "k"}}
    )


@pytest.mark.parametrize(
    "body",
    [
        {"type": "generative-ui", "spec": VALID},  # an assistant-ui message part
        {"spec": VALID},  # render_gui arguments / result
        {"spec": json.dumps(VALID)},  # ... carrying the spec as JSON text
    ],
    ids=["message-part", "render-gui", "render-gui-text"],
)
def test_envelopes_are_accepted(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/bare", json=body)
    assert (response.status_code, response.json()) == (200, {"roots": 2})
    assert received == [genui.parse_spec(VALID)]


def test_a_spec_inside_a_model_and_an_embedded_body(client: TestClient) -> None:
    assert client.post("/model", json={"title": "t", "spec": VALID}).json() == {"title": "t"}
    assert client.post("/embedded", json={"spec": VALID}).json() == {"roots": 2}
    assert received == [genui.parse_spec(VALID)] * 2


def test_a_spec_body_response_serializes_as_the_model_does(client: TestClient) -> None:
    response = client.post("/echo", json={"root": {"$type": "Text", "text": "hi"}})
    assert response.status_code == 200
    assert response.json() == genui.parse_spec(
        {"root": {"component": "Text", "props": {"text": "hi"}}}
    ).model_dump(mode="json")


# -- invalid bodies: genui's 422 ---------------------------------------------------------


def test_every_problem_comes_back_in_genuis_shape_with_body_paths(client: TestClient) -> None:
    response = client.post("/bare", json=PROBLEMS)
    assert response.status_code == 422
    assert paths_and_codes(response) == PROBLEM_PATHS
    details = response.json()["detail"]
    assert all(set(detail) == {"path", "code", "message", "hint"} for detail in details)
    assert all(detail["hint"] for detail in details)
    assert "did you mean" in details[0]["hint"]
    assert received == []


@pytest.mark.parametrize(
    ("url", "body", "prefix"),
    [
        ("/bare", {"type": "generative-ui", "spec": PROBLEMS}, "/spec"),
        ("/bare", {"spec": PROBLEMS}, "/spec"),
        ("/embedded", {"spec": PROBLEMS}, "/spec"),
        ("/embedded", {"spec": {"type": "generative-ui", "spec": PROBLEMS}}, "/spec/spec"),
        ("/model", {"title": "t", "spec": PROBLEMS}, "/spec"),
    ],
    ids=["message-part", "render-gui", "embedded", "embedded-message-part", "model-field"],
)
def test_paths_point_into_the_request_body(
    client: TestClient, url: str, body: dict[str, Any], prefix: str
) -> None:
    response = client.post(url, json=body)
    assert response.status_code == 422
    assert paths_and_codes(response) == prefixed(prefix)


def test_flat_nodes_get_paths_in_the_flat_shape(client: TestClient) -> None:
    flat = {
        "root": [
            {"$type": "Heading", "level": 9, "text": "Hi"},
            {"$type": "Text", "text": "a", "colour": "red"},
        ]
    }
    response = client.post("/bare", json=flat)
    assert paths_and_codes(response) == [
        ("/root/0/level", "invalid_value"),
        ("/root/1/colour", "extra_field"),
    ]


def test_a_body_that_is_not_a_spec(client: TestClient) -> None:
    assert paths_and_codes(client.post("/bare", json=[1, 2])) == [("", "type_mismatch")]
    assert paths_and_codes(client.post("/bare", json={"nope": 1})) == [("/root", "missing_field")]


def test_other_errors_of_the_same_request_join_genuis_list(client: TestClient) -> None:
    response = client.post("/model", json={"spec": PROBLEMS})  # and no title
    assert response.status_code == 422
    assert sorted(paths_and_codes(response)) == sorted(
        [("/title", "missing_field"), *prefixed("/spec")]
    )


def test_requests_with_no_genui_error_keep_fastapis_shape(client: TestClient) -> None:
    response = client.post("/model", json={"spec": VALID})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert (detail["type"], detail["loc"]) == ("missing", ["body", "title"])
    response = client.get("/count", params={"n": "many"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "n"]


def test_without_the_handler_the_details_are_in_the_pydantic_errors_context() -> None:
    with TestClient(make_app(install=False)) as plain:
        response = plain.post("/bare", json=PROBLEMS)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["type"] == ERROR_TYPE
    assert error["loc"] == ["body"]
    carried = [(detail["path"], detail["code"]) for detail in error["ctx"]["errors"]]
    assert carried == PROBLEM_PATHS


def test_install_keeps_an_apps_own_handler_for_other_errors() -> None:
    app = make_app(install=False)

    async def teapot(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"mine": True}, status_code=418)

    app.add_exception_handler(RequestValidationError, teapot)
    genui.fastapi.install(app)
    with TestClient(app) as test_client:
        assert test_client.get("/count", params={"n": "x"}).status_code == 418
        response = test_client.post("/bare", json=PROBLEMS)
    assert (response.status_code, paths_and_codes(response)) == (422, PROBLEM_PATHS)


def test_the_handler_can_be_added_by_hand_and_reads_genui_errors_raised_in_validators() -> None:
    class Part(BaseModel):
        spec: Any

        @field_validator("spec")
        @classmethod
        def strict(cls, value: Any) -> genui.GenerativeUISpec:
            return genui.parse_spec(value)  # raises GenerativeUIValidationError (a ValueError)

    app = FastAPI()
    app.add_exception_handler(RequestValidationError, genui.fastapi.validation_error_handler)

    @app.post("/part")
    def part(body: Part) -> int:
        return 1

    with TestClient(app) as test_client:
        response = test_client.post("/part", json={"spec": {"root": [True]}})
    assert (response.status_code, paths_and_codes(response)) == (
        422,
        [("/spec/root/0", "type_mismatch")],
    )


# -- configuration -----------------------------------------------------------------------


def test_spec_body_configures_registry_policy_and_limits() -> None:
    limits = genui.Limits(max_nodes=3)
    only_text = genui.default_registry().only("Text")
    assert (
        genui.spec_body(limits=limits)
        == Annotated[genui.GenerativeUISpec, SpecValidator(limits=limits)]
    )
    strict_spec = genui.spec_body(registry=only_text, limits=limits)
    app = FastAPI()
    genui.fastapi.install(app)

    @app.post("/strict")
    def strict(spec: strict_spec) -> int:  # type: ignore[valid-type]  # a runtime-built type
        return 1

    with TestClient(app) as test_client:
        ok = test_client.post("/strict", json={"root": {"$type": "Text", "text": "x"}})
        heading = test_client.post("/strict", json={"root": {"$type": "Heading", "text": "x"}})
        many = test_client.post("/strict", json={"root": ["a", "b", "c", "d"]})
    assert ok.status_code == 200
    assert paths_and_codes(heading) == [("/root/$type", "unknown_component")]
    assert many.status_code == 422
    assert many.json()["detail"] == [
        {
            "path": "/root/3",
            "code": "too_many_nodes",
            "message": "more than 3 nodes",
            "hint": "use at most 3 nodes",
        }
    ]


def test_spec_body_is_a_pydantic_field_type_outside_fastapi() -> None:
    model = Envelope.model_validate_json(json.dumps({"title": "t", "spec": VALID}))
    assert model.spec == genui.parse_spec(VALID)
    with pytest.raises(ValidationError) as caught:
        Envelope.model_validate({"title": "t", "spec": PROBLEMS})
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"]) == (ERROR_TYPE, ("spec",))
    assert [(e["path"], e["code"]) for e in error["ctx"]["errors"]] == PROBLEM_PATHS


def test_openapi_describes_the_body_with_genuis_spec_schema() -> None:
    schema = make_app().openapi()
    body = schema["paths"]["/bare"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"] == "#/components/schemas/GenerativeUISpec-Input"
    assert "flat" in body["schema"]["description"]
    assert "root" in schema["components"]["schemas"]["GenerativeUISpec-Input"]["properties"]


# -- limits before any deep work ---------------------------------------------------------

OVER = 200_000
"""Nodes in the oversized body (the default limit is 50,000)."""


def oversized_body() -> bytes:
    return json.dumps({"root": [{"component": "Text", "props": {"text": "x"}}] * OVER}).encode()


TOO_MANY = {
    "path": "/root/50000",
    "code": "too_many_nodes",
    "message": "more than 50000 nodes",
    "hint": "use at most 50000 nodes",
}


def pydantic_node_validation_calls(run: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run ``run``; which of the node model's own validators ran (in any thread)?

    GenerativeUISpec/GenerativeUINode validation calls these from pydantic-core for every
    node: the node-kind discriminator, and the props/children before-validators.
    """
    targets = {
        genui.spec._node_kind.__code__,
        genui.spec._as_list.__code__,
        genui.spec._empty_if_none.__code__,
    }
    calls: list[str] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in targets:
            calls.append(frame.f_code.co_name)

    threading.setprofile(profile)  # the TestClient runs the app in a thread it starts
    sys.setprofile(profile)
    try:
        result = run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return result, calls


def test_the_profile_spy_sees_pydantic_building_nodes() -> None:
    _, calls = pydantic_node_validation_calls(lambda: genui.GenerativeUISpec.model_validate(VALID))
    assert "_node_kind" in calls


def test_an_oversized_body_is_refused_by_check_limits_without_building_the_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks: list[str] = []
    real_check = validate_module.check_limits

    def spy_check(*args: Any, **kwargs: Any) -> None:
        try:
            real_check(*args, **kwargs)
        except genui.GenerativeUIValidationError as error:
            checks.append(error.code)
            raise
        checks.append("passed")

    walked: list[object] = []
    real_node = _Walk.node

    def spy_node(self: Any, *args: Any) -> Any:
        walked.append(args[0])
        return real_node(self, *args)

    monkeypatch.setattr(validate_module, "check_limits", spy_check)
    monkeypatch.setattr(_Walk, "node", spy_node)
    body = oversized_body()
    client = TestClient(make_app())  # no `with`: each request starts the app's thread
    response, calls = pydantic_node_validation_calls(
        lambda: client.post("/bare", content=body, headers={"content-type": "application/json"})
    )
    assert response.status_code == 422
    assert response.json() == {"detail": [TOO_MANY]}
    assert checks == ["too_many_nodes"]  # refused in check_limits ...
    assert walked == []  # ... before genui looked at a single node
    assert calls == []  # and pydantic never validated a node model


@pytest.mark.slow
def test_refusing_an_oversized_body_allocates_a_bounded_amount(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What SpecBody allocates for a 200,000-node body, from the decoded body on.

    FastAPI decodes the body before any field type sees it (about 11x its size as Python
    objects for these nodes); from there, refusing it must cost memory bounded by the
    limit, not by the input. Measured: 12.7 MB for a 9.4 MB body (1.35x); building the
    GenerativeUISpec the naive endpoint builds allocates about 137 MB (14.6x).
    """
    peaks: list[int] = []
    real_validate = Checker.validate

    def traced(self: Checker, data: Any, **kwargs: Any) -> Any:
        tracemalloc.start()
        try:
            return real_validate(self, data, **kwargs)
        finally:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()

    monkeypatch.setattr(Checker, "validate", traced)
    body = oversized_body()
    with TestClient(make_app()) as client:
        response = client.post("/bare", content=body, headers={"content-type": "application/json"})
    assert response.json() == {"detail": [TOO_MANY]}
    (peak,) = peaks
    print(f"peak {peak} bytes for a {len(body)}-byte body ({peak / len(body):.2f}x)")
    assert peak < 2 * len(body), (peak, len(body))


# -- packaging -----------------------------------------------------------------------------


def test_import_genui_does_not_import_fastapi_or_starlette() -> None:
    code = (
        "import sys, genui\n"
        "assert genui.SpecBody is not None\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
