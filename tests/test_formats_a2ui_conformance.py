"""genui.formats.a2ui against A2UI's own SDK conformance suites (issue 18).

The v0.9 cases of ``agent_sdks/conformance/suites/validator.yaml`` and
``streaming_parser.yaml`` (google/A2UI, vendored as JSON in
``tests/corpora/a2ui/conformance/``, see ``tests/corpora/a2ui/SOURCE.md``), run through
:class:`genui.formats.a2ui.A2UIAdapter` with a :func:`~genui.formats.a2ui.schema_validator`
built from each case's own (simplified) schemas:

* a case that expects an error must give at least one error (not a warning) whose path is
  a JSON Pointer into the stream, for the reason the case is about (the genui code that
  says so is pinned in :data:`REASONS`), and never a foreign exception;
* a case that expects none must convert with no error;
* where genui's verdict differs, the case is in :data:`DIVERGENCES` with the reason and
  the genui codes it gives instead (pinned too, so a divergence that changes shows up).

``validator.yaml`` checks each payload on its own, so an update for a surface the payload
does not create is valid there; genui's adapter keeps state and refuses it
(``a2ui_unknown_surface``). Each validator payload is therefore preceded by a
``createSurface`` for every surface it uses but does not create (:func:`preamble`); the
streaming cases are fed as they are, in their order. A streaming case's messages are the
complete JSON objects inside its ``<a2ui-json>`` blocks (the chunks joined): splitting
chunks, text around the tags and partial JSON are the SDK parser's job, not the format's.

Not selected: the v0.8 cases (another message format), ``parser.yaml`` (it tests the
SDK's own text API: finding ``<a2ui-json>`` tags in a reply, repairing trailing commas and
smart quotes, ``has_a2ui_parts``; none of its cases is a v0.9 message stream), and the
catalog, schema-manager, A2A and ADK suites (SDK APIs).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pytest

from genui.errors import ErrorDetail
from genui.formats.a2ui import A2UIAdapter, SchemaCheck, schema_validator

CORPUS: Final = Path(__file__).parent / "corpora" / "a2ui"
SUITES: Final = CORPUS / "conformance"
WARNINGS: Final = frozenset({"a2ui_unsupported", "a2ui_approximated", "a2ui_orphan"})
POINTER: Final = re.compile(r"^(/([^~/]|~[01])*)+$")


@dataclass(frozen=True)
class Case:
    """One selected case (a validator step is a case of its own)."""

    id: str
    suite: str
    catalog: dict[str, Any]
    messages: list[Any]
    expect_error: str | None
    """The upstream expectation (the error text A2UI's SDK gives), ``None``: no error."""


@dataclass(frozen=True)
class Divergence:
    """A case where genui's verdict differs from A2UI's SDK, and why."""

    codes: frozenset[str]
    """The error codes genui gives instead (empty: genui accepts the case)."""
    reason: str


# The genui error code that shows genui refuses an error case for the case's own reason.
REASONS: Final[dict[str, str]] = {
    "validator/test_validator_0_9#1": "a2ui_version",
    "validator/test_validator_0_9#2": "a2ui_version",
    "validator/test_validator_0_9#3": "a2ui_surface_id",
    "validator/test_validator_0_9#4": "a2ui_schema",
    "validator/test_validate_duplicate_ids_v09": "a2ui_duplicate_id",
    "validator/test_validate_dangling_references_v09#0": "a2ui_dangling_reference",
    "validator/test_validate_dangling_references_v09#1": "a2ui_dangling_reference",
    "validator/test_validate_self_reference_v09": "a2ui_cycle",
    "validator/test_validate_template_reachability_v09#1": "a2ui_dangling_reference",
    "validator/test_validate_circular_reference_v09": "a2ui_cycle",
    "validator/test_incremental_update_duplicates_still_fail_v09": "a2ui_duplicate_id",
    "validator/test_custom_catalog_validation_failure_v09": "a2ui_schema",
    "validator/test_validate_invalid_paths_v09": "invalid_binding",
    "streaming_parser/test_circular_reference_detection_v09": "a2ui_cycle",
    "streaming_parser/test_self_reference_detection_v09": "a2ui_cycle",
    "streaming_parser/test_create_surface_missing_catalog_id_v09": "a2ui_schema",
    "streaming_parser/test_strict_begin_rendering_validation_v09": "a2ui_message_kind",
    "streaming_parser/test_yield_validation_failure_v09": "a2ui_schema",
}

_BASIC_ONLY: Final = (
    "genui maps A2UI's basic catalog onto its own components; a component of the case's "
    "custom catalog that the basic catalog lacks is an error (unknown_component), not "
    "rendered from the custom catalog's schema"
)
_NO_ROOT_YET: Final = (
    "genui builds (and checks) a surface's tree only once a component with id 'root' has "
    "arrived; before that it reports nothing and A2UIAdapter.spec() is None. The check "
    "runs when the root comes: the same components with a root give the error"
)
_ORDER: Final = (
    "genui applies messages in stream order: an update for a surface not created yet is "
    "an error (a2ui_unknown_surface) and is not applied; A2UI's streaming parser buffers "
    "it until the createSurface arrives"
)
_DEPTH: Final = (
    "genui's nesting limit is 64 (MAX_DEPTH: components and data-model values); A2UI's "
    "SDK stops at 50. This case nests 56, within genui's limit; deeper is refused "
    "(too_deep, tested in tests/test_formats_a2ui.py)"
)
_PARTIAL: Final = (
    "the stream holds no complete message: the case tests the SDK parser's sniffing of "
    "partial JSON (yielding a partial data model before the message ends); the adapter "
    "takes whole messages, so there is nothing to convert and nothing to refuse"
)

DIVERGENCES: Final[dict[str, Divergence]] = {
    "validator/test_custom_catalog_0_9": Divergence(
        frozenset({"unknown_component"}), _BASIC_ONLY + " (Canvas, Chart)"
    ),
    "validator/test_validate_missing_root_v09": Divergence(
        frozenset(),
        "a stream may send its root later, so genui reports no error for a surface with "
        "no root yet: it has no spec for it (A2UIAdapter.spec() is None)",
    ),
    "validator/test_validate_orphaned_component_v09": Divergence(
        frozenset(),
        "a component no tree reaches is a warning in genui (a2ui_orphan), not an error: "
        "incremental surfaces replace a panel's children and leave the old ones behind",
    ),
    "validator/test_validate_function_call_recursion_v09": Divergence(
        frozenset({"unknown_prop", "missing"}),
        "refused, but for another reason: the case's custom catalog gives Button a 'text' "
        "and no 'child', which genui checks against the basic catalog's Button; genui "
        "does not evaluate client functionCalls, so it has no functionCall depth limit",
    ),
    "validator/test_validate_recursion_limit_exceeded_v09": Divergence(
        frozenset(), _DEPTH.replace("nests 56", "chains 57 Cards")
    ),
    "validator/test_validate_global_recursion_limit_exceeded_v09": Divergence(frozenset(), _DEPTH),
    "validator/test_incremental_update_self_ref_still_fails_v09": Divergence(
        frozenset(), _NO_ROOT_YET + " (a2ui_cycle; the card is not named 'root')"
    ),
    "validator/test_incremental_update_cycle_still_fails_v09": Divergence(
        frozenset(), _NO_ROOT_YET + " (a2ui_cycle; neither card is named 'root')"
    ),
    "streaming_parser/test_incremental_yielding_v09": Divergence(
        frozenset({"a2ui_dangling_reference"}),
        "genui checks each updateComponents as it comes: the root names children c1, c2 "
        "that later messages send, so the first update reports them dangling (the "
        "surface's last conversion has no error); A2UI's parser shows placeholders",
    ),
    "streaming_parser/test_partial_children_lists_v09": Divergence(
        frozenset({"unknown_component"}), _BASIC_ONLY + " (Container)"
    ),
    "streaming_parser/test_multiple_re_yielding_scenarios_v09": Divergence(
        frozenset({"unknown_component"}), _BASIC_ONLY + " (Container)"
    ),
    "streaming_parser/test_data_model_before_components_v09": Divergence(
        frozenset({"a2ui_unknown_surface"}), _ORDER
    ),
    "streaming_parser/test_message_ordering_buffering_v09": Divergence(
        frozenset({"a2ui_unknown_surface"}), _ORDER
    ),
    "streaming_parser/test_message_ordering_buffering_v09#2": Divergence(
        frozenset({"a2ui_unknown_surface"}), _ORDER
    ),
    "streaming_parser/test_delete_surface_buffering_v09": Divergence(
        frozenset({"a2ui_unknown_surface"}), _ORDER.replace("an update", "a deleteSurface")
    ),
    "streaming_parser/test_v09_path_heuristic_relative_path": Divergence(
        frozenset({"schema_error"}),
        "the case's inline catalog has no $defs/anyComponent, which the simplified "
        "server_to_client schema refers to, so genui's schema check cannot resolve it and "
        "says so (schema_error) rather than accept the message unchecked; the case tests "
        "the SDK parser's path heuristic. Without the schema genui accepts the message "
        "(a relative path outside a template is read from the data model's root)",
    ),
    **{
        f"streaming_parser/{name}_v09": Divergence(frozenset(), _PARTIAL)
        for name in (
            "test_sniff_partial_invalid_datamodel_fails_gracefully",
            "test_sniff_partial_datamodel_with_cut_key",
            "test_sniff_partial_datamodel_cumulative_unmodified_keys",
            "test_sniff_partial_datamodel_prunes_empty_keys",
            "test_sniff_partial_datamodel_prunes_empty_trailing_dict",
        )
    },
}


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _schema(catalog: dict[str, Any], key: str, full: str) -> dict[str, Any]:
    """The case's schema ``key`` (a test_data path or inline), else A2UI's full one."""
    value = catalog.get(key)
    schema: dict[str, Any]
    if value is None:
        schema = _read(CORPUS / "schema" / full)
    elif isinstance(value, str):
        schema = _read(SUITES / value)
    else:
        schema = dict(value)
    # The inline catalogs name no dialect: schema_validator reads them as draft 2020-12, as
    # A2UI's SDK does.
    return schema


def validator_for(catalog: dict[str, Any]) -> SchemaCheck:
    return schema_validator(
        _schema(catalog, "s2c_schema", "server_to_client.json"),
        _schema(catalog, "common_types_schema", "common_types.json"),
        _schema(catalog, "catalog_schema", "basic_catalog.json"),
    )


def preamble(messages: list[Any]) -> list[dict[str, Any]]:
    """A ``createSurface`` for each surface the messages use before (or without) creating it."""
    created: set[str] = set()
    out: list[dict[str, Any]] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        for kind, body in message.items():
            surface = body.get("surfaceId") if isinstance(body, dict) else None
            if kind == "version" or not isinstance(surface, str) or not surface:
                continue
            if kind != "createSurface" and surface not in created:
                out.append(
                    {
                        "version": "v0.9",
                        "createSurface": {"surfaceId": surface, "catalogId": "test_catalog"},
                    }
                )
            created.add(surface)
    return out


_DECODER: Final = json.JSONDecoder()


def stream_messages(text: str) -> list[Any]:
    """The complete JSON objects in the ``<a2ui-json>`` blocks of an agent's reply.

    A block's array is read object by object, up to the first that is cut off or broken.
    """
    messages: list[Any] = []
    for block in text.split("<a2ui-json>")[1:]:
        body = block.split("</a2ui-json>", 1)[0]
        at = 0
        while at < len(body):
            if body[at] in " \t\r\n[,]":
                at += 1
                continue
            if body[at] != "{":
                break
            try:
                message, at = _DECODER.raw_decode(body, at)
            except ValueError:
                break
            messages.append(message)
    return messages


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for raw in _read(SUITES / "validator.json"):
        steps = raw.get("steps") or [raw]
        for number, step in enumerate(steps):
            suffix = f"#{number}" if "steps" in raw else ""
            cases.append(
                Case(
                    f"validator/{raw['name']}{suffix}",
                    "validator",
                    raw["catalog"],
                    step["payload"],
                    step.get("expect_error"),
                )
            )
    seen: dict[str, int] = {}
    for raw in _read(SUITES / "streaming_parser.json"):
        name = raw["name"]
        seen[name] = seen.get(name, 0) + 1
        suffix = f"#{seen[name]}" if seen[name] > 1 else ""
        errors = [step["expect_error"] for step in raw["steps"] if "expect_error" in step]
        text = "".join(step.get("input", "") for step in raw["steps"])
        cases.append(
            Case(
                f"streaming_parser/{name}{suffix}",
                "streaming_parser",
                raw["catalog"],
                stream_messages(text),
                errors[0] if errors else None,
            )
        )
    return cases


CASES: Final = load_cases()


def run(case: Case) -> tuple[A2UIAdapter, list[ErrorDetail]]:
    """Feed the case's messages one by one; the errors (not warnings) they give."""
    schema = validator_for(case.catalog)
    adapter = A2UIAdapter(schema=schema)
    if case.suite == "validator":
        setup = A2UIAdapter(schema=schema)
        for message in preamble(case.messages):
            setup.feed(message)
        assert all(i.detail.code in WARNINGS for i in setup.issues), setup.issues
        adapter.surfaces = setup.surfaces
    for message in case.messages:
        adapter.feed(message)
    errors = [i.detail for i in adapter.issues if i.detail.code not in WARNINGS]
    return adapter, errors


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_conformance_case(case: Case) -> None:
    _, errors = run(case)
    for detail in errors:
        assert POINTER.match(detail.path), (detail.path, detail)
    codes = frozenset(detail.code for detail in errors)
    divergence = DIVERGENCES.get(case.id)
    if divergence is not None:
        assert codes == divergence.codes, (case.id, errors)
        return
    assert "schema_error" not in codes, (case.id, errors)
    if case.expect_error is None:
        assert not errors, (case.id, errors)
    else:
        assert errors, (case.id, case.expect_error)
        assert case.id in REASONS, f"{case.id}: pin the genui code that gives its reason"
        assert REASONS[case.id] in codes, (case.id, errors)


def test_tables_name_selected_cases() -> None:
    ids = {case.id for case in CASES}
    assert len(ids) == len(CASES)
    assert set(DIVERGENCES) <= ids
    assert set(REASONS) <= ids
    assert not set(DIVERGENCES) & set(REASONS)
    assert all(divergence.reason for divergence in DIVERGENCES.values())


def test_figures() -> None:
    """The figures docs/formats.md gives ("Conformance figures")."""
    by_suite = {s: [c for c in CASES if c.suite == s] for s in ("validator", "streaming_parser")}
    assert len(by_suite["validator"]) == 26  # 20 cases, 26 with their steps
    assert sum(c.expect_error is not None for c in by_suite["validator"]) == 20
    assert len(by_suite["streaming_parser"]) == 42
    assert sum(c.expect_error is not None for c in by_suite["streaming_parser"]) == 5
    assert len(DIVERGENCES) == 21
    assert sum(i.startswith("validator/") for i in DIVERGENCES) == 8


def _case(case_id: str) -> Case:
    return next(case for case in CASES if case.id == case_id)


def test_streamed_children_clear_dangling_references() -> None:
    """The children sent after their parent leave the surface's last conversion clean."""
    adapter, errors = run(_case("streaming_parser/test_incremental_yielding_v09"))
    assert errors
    assert all(i.detail.code in WARNINGS for i in adapter.surfaces["s1"].issues)
    assert adapter.spec("s1") is not None


@pytest.mark.parametrize(
    "case_id",
    [
        "validator/test_incremental_update_self_ref_still_fails_v09",
        "validator/test_incremental_update_cycle_still_fails_v09",
    ],
)
def test_cycle_without_root_is_refused_when_the_root_comes(case_id: str) -> None:
    adapter, errors = run(_case(case_id))
    assert not errors
    first = _case(case_id).messages[0]["updateComponents"]["components"][0]["id"]
    adapter.feed(
        {
            "version": "v0.9",
            "updateComponents": {
                "surfaceId": "s1",
                "components": [{"id": "root", "component": "Card", "child": first}],
            },
        }
    )
    assert "a2ui_cycle" in {i.detail.code for i in adapter.issues}
