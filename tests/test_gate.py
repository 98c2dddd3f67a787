"""genui.gate: what a person submits is verified (every refusal code) and dispatched."""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import threading
from collections.abc import Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from genui import (
    Action,
    ActionEvent,
    ActionGate,
    ActionKeys,
    ActionReply,
    Actions,
    GenerativeUIActionError,
    MemoryNonceStore,
    Renderer,
    validate,
)
from genui.envelope import MAX_ENVELOPE_LENGTH
from genui.gate import MAX_FIELD_LENGTH, MAX_FIELDS, node_at
from genui.pointer import escape_token
from genui.spec import GenerativeUISpec
from genui.writing import ENVELOPE_FIELD

KEY = "k" * 32
OLD_KEY = "o" * 32
START = 1_700_000_000
TTL = 600


T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion in a thread of its own (the test may be inside a loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class BookParams(BaseModel):
    """What the agent binds."""

    restaurant: str
    seating: str = "inside"


class BookInputs(BaseModel):
    """What the person types."""

    model_config = ConfigDict(extra="forbid")

    party_size: int = Field(default=2, ge=1, le=20)
    note: str = ""
    tags: list[str] = []


def _actions() -> Actions:
    actions = Actions()

    @actions.action(params=BookParams, inputs=BookInputs, description="Book a table.")
    def book_table(event: ActionEvent[BookParams, BookInputs]) -> ActionReply:
        return ActionReply(
            message=f"booked {event.params.restaurant} for {event.inputs.party_size}"
        )

    @actions.action(description="Cancel the booking")
    async def cancel(event: ActionEvent[Any, None]) -> None:
        await asyncio.sleep(0)

    return actions


ACTIONS = _actions()


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = float(START)

    def __call__(self) -> float:
        return self.now


class Shown:
    """The Surfaces protocol over a dict: what each surface shows now."""

    def __init__(self) -> None:
        self.specs: dict[str, GenerativeUISpec] = {}

    def current(self, surface: str) -> GenerativeUISpec | None:
        return self.specs.get(surface)


def _button(label: str = "Book", restaurant: str = "Chez Lou", name: str = "book_table") -> Any:
    params = {"restaurant": restaurant} if name == "book_table" else {}
    return {
        "component": "Button",
        "props": {"label": label, "action": {"name": name, "params": params}},
    }


def _spec(label: str = "Book", restaurant: str = "Chez Lou", other: str = "Menu") -> Any:
    return {
        "root": [
            {"component": "Heading", "props": {"text": other, "level": 2}},
            {
                "component": "Card",
                "props": {"title": "Lou"},
                "children": [_button(label, restaurant)],
            },
            {"component": "Text", "props": {"text": "Open at 7"}},
        ]
    }


BUTTON_PATH = "/root/1/children/0"


class Setup:
    """A gate, its clock and surfaces, and a way to render a spec on a surface."""

    def __init__(
        self, keys: Any = KEY, actions: Actions = ACTIONS, max_nonces: int = 1_000
    ) -> None:
        self.clock = Clock()
        self.shown = Shown()
        nonces = MemoryNonceStore(max_nonces, clock=self.clock)
        self.gate = ActionGate(
            actions, keys, surfaces=self.shown, ttl=TTL, clock=self.clock, nonces=nonces
        )

    def show(self, spec: Any, surface: str = "chat", session: str | None = None) -> list[str]:
        """Render ``spec`` on ``surface`` (it shows it now): the envelopes of the page."""
        result = validate(spec, actions=self.gate.actions)
        assert result.ok, result.errors
        assert result.spec is not None
        self.shown.specs[surface] = result.spec
        renderer = Renderer(actions=self.gate.actions)
        html = str(renderer.render(spec, surface=self.gate.surface(surface, session=session)))
        return re.findall(rf'name="{ENVELOPE_FIELD}" value="([^"]+)"', html)

    def replace(self, spec: Any, surface: str = "chat") -> None:
        """The surface now shows ``spec`` (the agent changed it)."""
        result = validate(spec, actions=self.gate.actions)
        assert result.spec is not None
        self.shown.specs[surface] = result.spec

    def submit(
        self, envelope: str, *fields: tuple[str, str], **kwargs: Any
    ) -> ActionEvent[Any, Any]:
        return self.gate.verify([(ENVELOPE_FIELD, envelope), *fields], **kwargs)


def _refused(code: str, form: Any, gate: ActionGate, **kwargs: Any) -> GenerativeUIActionError:
    with pytest.raises(GenerativeUIActionError) as info:
        gate.verify(form, **kwargs)
    assert info.value.code == code, (info.value.code, info.value)
    return info.value


def _envelope(setup: Setup, spec: Any = None, **kwargs: Any) -> str:
    (envelope,) = setup.show(spec if spec is not None else _spec(), **kwargs)
    return envelope


# -- a verified submission -----------------------------------------------------------------


def test_a_genuine_submission_is_an_event_with_the_signed_params_and_the_typed_inputs() -> None:
    setup = Setup()
    envelope = _envelope(setup, session="alice")
    event = setup.submit(
        envelope, ("party_size", "4"), ("tags", "window"), ("tags", "quiet"), session="alice"
    )
    assert event.name == "book_table" and event.action is ACTIONS["book_table"]
    assert event.params == BookParams(restaurant="Chez Lou")
    assert event.inputs == BookInputs(party_size=4, tags=["window", "quiet"])
    source = event.source
    assert (source.surface, source.version, source.path, source.key) == (
        "chat",
        0,
        BUTTON_PATH,
        None,
    )
    assert source.session_bound
    assert event.to_dict() == {
        "type": "action",
        "action": "book_table",
        "params": {"restaurant": "Chez Lou", "seating": "inside"},
        "inputs": {"party_size": 4, "note": "", "tags": ["window", "quiet"]},
        "source": {"surface": "chat", "version": 0, "path": BUTTON_PATH, "key": None},
    }
    assert json.loads(json.dumps(event.to_dict())) == event.to_dict()


def test_the_agent_message_says_what_the_person_did() -> None:
    setup = Setup()
    message = setup.submit(_envelope(setup), ("party_size", "4")).to_agent_message()
    assert "book_table" in message and "(Book a table)" in message
    assert '"restaurant": "Chez Lou"' in message and '"party_size": 4' in message
    (cancel,) = setup.show({"root": _button(name="cancel")}, surface="other")
    quiet = setup.submit(cancel).to_agent_message()
    assert "cancel" in quiet and "parameters" not in quiet and "entered" not in quiet


def test_a_mapping_or_a_multi_dict_is_a_form_too() -> None:
    setup = Setup()
    envelopes = setup.show({"root": [_button(), _button("Again")]})
    event = setup.gate.verify({ENVELOPE_FIELD: envelopes[0], "tags": ["a", "b"]})
    assert event.inputs.tags == ["a", "b"]

    class MultiDict:
        def multi_items(self) -> list[tuple[str, str]]:
            return [(ENVELOPE_FIELD, envelopes[1]), ("party_size", "3")]

    assert setup.gate.verify(MultiDict()).inputs.party_size == 3  # type: ignore[arg-type]


def test_dispatch_calls_sync_and_async_handlers() -> None:
    setup = Setup()
    book, cancel = setup.show({"root": [_button(), _button(name="cancel")]})
    reply = _run(setup.gate.dispatch(setup.submit(book, ("party_size", "5"))))
    assert reply == ActionReply(message="booked Chez Lou for 5")
    assert _run(setup.gate.dispatch(setup.submit(cancel))) == ActionReply()


def test_a_handler_that_returns_something_else_is_a_programming_error() -> None:
    actions = Actions()

    @actions.action()
    def odd(event: ActionEvent[Any, None]) -> Any:
        return "done"

    setup = Setup(actions=actions)
    event = setup.submit(_envelope(setup, {"root": _button(name="odd")}))
    with pytest.raises(TypeError, match="ActionReply"):
        _run(setup.gate.dispatch(event))


def test_the_gate_refuses_a_bad_configuration() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        ActionGate(ACTIONS, KEY, surfaces=Shown(), endpoint="https://evil.example/")
    with pytest.raises(ValueError, match="ttl"):
        ActionGate(ACTIONS, KEY, surfaces=Shown(), ttl=0)
    with pytest.raises(ValueError, match="32 bytes"):
        ActionGate(ACTIONS, "short", surfaces=Shown())


# -- tampered ------------------------------------------------------------------------------


@given(
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    edit=st.sampled_from(["substitute", "insert", "delete"]),
    char=st.characters() | st.sampled_from("aA0-_.="),
)
def test_any_single_character_change_of_the_envelope_is_tampered(
    where: float, edit: str, char: str
) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    at = int(where * len(envelope))
    if edit == "substitute":
        assume(envelope[at] != char)
        changed = envelope[:at] + char + envelope[at + 1 :]
    elif edit == "insert":
        changed = envelope[:at] + char + envelope[at:]
    else:
        changed = envelope[:at] + envelope[at + 1 :]
    _refused("tampered", [(ENVELOPE_FIELD, changed)], setup.gate)
    setup.submit(envelope)  # the genuine one still works


@pytest.mark.parametrize("count", [0, 2])
def test_a_submission_needs_exactly_one_envelope(count: int) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    _refused("tampered", [(ENVELOPE_FIELD, envelope)] * count, setup.gate)


# -- key rotation --------------------------------------------------------------------------


def test_an_envelope_signed_by_an_old_key_verifies_while_it_is_listed_second() -> None:
    old = Setup(keys=OLD_KEY)
    envelope = _envelope(old, session="alice")
    rotated = ActionGate(
        ACTIONS,
        [KEY, OLD_KEY],
        surfaces=old.shown,
        ttl=TTL,
        clock=old.clock,
        nonces=old.gate.nonces,
    )
    retired = ActionGate(ACTIONS, [KEY], surfaces=old.shown, ttl=TTL, clock=old.clock)
    _refused("tampered", [(ENVELOPE_FIELD, envelope)], retired, session="alice")
    assert rotated.verify([(ENVELOPE_FIELD, envelope)], session="alice").name == "book_table"
    _refused("replayed", [(ENVELOPE_FIELD, envelope)], rotated, session="alice")
    new = rotated.keys.read(_envelope(Setup(keys=[KEY, OLD_KEY])))
    assert new.key_id == ActionKeys(KEY).signing_key_id


# -- expired -------------------------------------------------------------------------------


@given(elapsed=st.integers(min_value=0, max_value=10 * TTL))
def test_an_envelope_is_valid_until_its_expiry_and_expired_after(elapsed: int) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    setup.clock.now += elapsed
    if elapsed <= TTL:
        setup.submit(envelope)
    else:
        error = _refused("expired", [(ENVELOPE_FIELD, envelope)], setup.gate)
        assert error.status == 410


def test_expiry_is_checked_before_staleness_and_replay() -> None:
    setup = Setup()
    envelope = _envelope(setup)
    setup.submit(envelope)
    setup.shown.specs.clear()
    setup.clock.now += TTL + 1
    _refused("expired", [(ENVELOPE_FIELD, envelope)], setup.gate)


def test_a_used_envelope_is_a_replay_even_after_the_page_changed() -> None:
    """The handler's answer usually replaces the form: sending it again is still a replay."""
    setup = Setup()
    envelope = _envelope(setup)
    setup.submit(envelope)
    setup.shown.specs.clear()  # the surface no longer shows the node
    _refused("replayed", [(ENVELOPE_FIELD, envelope)], setup.gate)


# -- wrong_session -------------------------------------------------------------------------


@pytest.mark.parametrize("session", [None, "bob", "alice ", ""])
def test_an_envelope_rendered_for_a_session_is_refused_to_any_other(session: str | None) -> None:
    setup = Setup()
    envelope = _envelope(setup, session="alice")
    error = _refused("wrong_session", [(ENVELOPE_FIELD, envelope)], setup.gate, session=session)
    assert error.status == 403
    assert setup.submit(envelope, session="alice").source.session_bound


def test_an_envelope_rendered_without_a_session_is_not_bound() -> None:
    setup = Setup()
    event = setup.submit(_envelope(setup), session="anyone")
    assert not event.source.session_bound


# -- unknown_action and stale --------------------------------------------------------------


def test_an_action_no_longer_declared_is_unknown() -> None:
    setup = Setup()
    envelope = _envelope(setup)
    fewer = Actions()
    fewer.add(ACTIONS["cancel"])
    gate = ActionGate(fewer, KEY, surfaces=setup.shown, clock=setup.clock)
    error = _refused("unknown_action", [(ENVELOPE_FIELD, envelope)], gate)
    assert error.status == 404


def test_params_that_no_longer_fit_the_action_are_stale() -> None:
    class Stricter(BaseModel):
        restaurant: int

    setup = Setup()
    envelope = _envelope(setup)
    changed = Actions()
    changed.add(Action("book_table", ACTIONS["book_table"].handler, Stricter))
    gate = ActionGate(changed, KEY, surfaces=setup.shown, clock=setup.clock)
    _refused("stale", [(ENVELOPE_FIELD, envelope)], gate)


def _edited(spec: Any, edit: str) -> Any:
    spec = copy.deepcopy(spec)
    button = spec["root"][1]["children"][0]
    if edit == "label":
        button["props"]["label"] = "Book now"
    elif edit == "params":
        button["props"]["action"]["params"]["restaurant"] = "Chez Lu"
    elif edit == "key":
        button["key"] = "book"
    elif edit == "variant":
        button["props"]["variant"] = "primary"
    elif edit == "removed":
        del spec["root"][1]["children"][0]
    elif edit == "moved":
        spec["root"][1]["children"].insert(0, {"component": "Text", "props": {"text": "new"}})
    elif edit == "parent replaced":
        spec["root"][1] = {"component": "Text", "props": {"text": "gone"}}
    elif edit == "sibling before":
        spec["root"].insert(0, "new first")
    return spec


@pytest.mark.parametrize(
    "edit",
    ["label", "params", "key", "variant", "removed", "moved", "parent replaced", "sibling before"],
)
def test_an_envelope_of_a_superseded_node_is_stale(edit: str) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    setup.replace(_edited(_spec(), edit))
    error = _refused("stale", [(ENVELOPE_FIELD, envelope)], setup.gate)
    assert error.status == 409


def test_an_envelope_of_a_surface_that_is_gone_is_stale() -> None:
    setup = Setup()
    envelope = _envelope(setup)
    del setup.shown.specs["chat"]
    _refused("stale", [(ENVELOPE_FIELD, envelope)], setup.gate)
    setup.shown.specs["other"] = validate(_spec(), actions=ACTIONS).spec  # type: ignore[assignment]
    _refused("stale", [(ENVELOPE_FIELD, envelope)], setup.gate)


@given(
    label=st.sampled_from(["Book", "Book!", "book", "Réserver"]),
    restaurant=st.sampled_from(["Chez Lou", "Chez Lu"]),
    other=st.text(min_size=1, max_size=20),
    appended=st.lists(st.text(min_size=1, max_size=10), max_size=3),
)
def test_staleness_depends_on_the_node_only(
    label: str, restaurant: str, other: str, appended: list[str]
) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    now = _spec(label, restaurant, other)
    now["root"][1]["props"]["title"] = other  # the parent changed, its button did not
    now["root"].extend(appended)
    setup.replace(now)
    if (label, restaurant) == ("Book", "Chez Lou"):
        assert setup.submit(envelope).source.path == BUTTON_PATH
    else:
        _refused("stale", [(ENVELOPE_FIELD, envelope)], setup.gate)


def test_node_at_finds_component_nodes_only() -> None:
    spec = validate(_spec(), actions=ACTIONS).spec
    assert spec is not None
    node = node_at(spec, BUTTON_PATH)
    assert node is not None and node.component == "Button"
    single = GenerativeUISpec.model_validate({"root": {"component": "Card", "children": ["x"]}})
    assert node_at(single, "/root") is not None
    for path in ["", "/", "/root", "/root/9", "/root/x", "/root/1/children", "/root/1/props",
                 "/root/1/children/5", "/root/0/children/0", "root/0", "/spec/0", "~"]:  # fmt: skip
        assert node_at(spec, path) is None, path
    assert node_at(single, "/root/children/0") is None  # a text leaf


# -- replayed and the nonce ----------------------------------------------------------------


@given(first=st.integers(1, 20), second=st.integers(1, 20))
def test_a_second_submission_of_the_same_envelope_is_replayed(first: int, second: int) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    setup.submit(envelope, ("party_size", str(first)))
    error = _refused(
        "replayed", [(ENVELOPE_FIELD, envelope), ("party_size", str(second))], setup.gate
    )
    assert error.status == 409


def test_an_invalid_submission_can_be_corrected_and_sent_again() -> None:
    setup = Setup()
    envelope = _envelope(setup)
    nonce = setup.gate.keys.read(envelope).nonce
    error = _refused(
        "invalid_input", [(ENVELOPE_FIELD, envelope), ("party_size", "99")], setup.gate
    )
    assert (error.surface, error.node) == ("chat", BUTTON_PATH)
    assert not setup.gate.nonces.used(nonce)
    assert setup.submit(envelope, ("party_size", "9")).inputs.party_size == 9
    assert setup.gate.nonces.used(nonce)
    _refused("replayed", [(ENVELOPE_FIELD, envelope), ("party_size", "9")], setup.gate)


def test_a_full_nonce_store_is_busy() -> None:
    setup = Setup(max_nonces=1)
    first, second = setup.show({"root": [_button(), _button("Again")]})
    setup.submit(first)
    error = _refused("busy", [(ENVELOPE_FIELD, second)], setup.gate)
    assert error.status == 503
    setup.clock.now += TTL + 1  # the first nonce expires and is forgotten
    (third,) = setup.show({"root": _button()}, surface="later")
    setup.submit(third)


def test_the_memory_store_claims_once_and_forgets_expired_nonces() -> None:
    clock = Clock()
    store = MemoryNonceStore(2, clock=clock)
    assert not store.used("a")
    assert store.claim("a", START + 10)
    assert store.used("a") and not store.claim("a", START + 99)
    assert store.claim("b", START + 20)
    with pytest.raises(GenerativeUIActionError) as info:
        store.claim("c", START + 30)
    assert info.value.code == "busy"
    assert len(store) == 2  # full of unexpired nonces: none is forgotten early
    clock.now = START + 10
    assert store.used("a")  # valid through its expiry second
    clock.now = START + 11
    assert not store.used("a")
    assert store.claim("c", START + 30)
    assert len(store) == 2 and not store.used("a") and store.used("b")
    clock.now = START + 100
    assert store.claim("a", START + 200)
    assert len(store) == 1


def test_the_memory_store_needs_room_for_one() -> None:
    with pytest.raises(ValueError):
        MemoryNonceStore(0)


def _race(threads: int, attempt: Any) -> list[Any]:
    """What ``attempt()`` returned in each of ``threads`` threads started at once."""
    barrier = threading.Barrier(threads)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        outcome = attempt()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


@pytest.mark.parametrize("threads", [2, 8])
def test_of_threads_claiming_one_nonce_exactly_one_wins(threads: int) -> None:
    for _ in range(20):
        store = MemoryNonceStore()
        won = _race(threads, lambda store=store: store.claim("nonce", START * 2))
        assert sorted(won) == [False] * (threads - 1) + [True]


def test_of_threads_verifying_one_envelope_exactly_one_gets_the_event() -> None:
    setup = Setup()
    envelope = _envelope(setup)

    def submit() -> str:
        try:
            return setup.submit(envelope).name
        except GenerativeUIActionError as error:
            return error.code

    assert sorted(_race(4, submit)) == ["book_table", "replayed", "replayed", "replayed"]


# -- invalid_input: only declared fields, never the params ---------------------------------


_NOT_DECLARED = st.text(min_size=1, max_size=30).filter(
    lambda name: name not in BookInputs.model_fields and name != ENVELOPE_FIELD
)


@given(name=_NOT_DECLARED, value=st.text(max_size=30))
def test_a_field_the_inputs_model_does_not_declare_is_invalid_input_at_its_path(
    name: str, value: str
) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    error = _refused("invalid_input", [(ENVELOPE_FIELD, envelope), (name, value)], setup.gate)
    assert error.status == 422
    assert [detail.path for detail in error.errors] == [f"/{escape_token(name)}"]
    assert error.errors[0].code in {"extra_forbidden"}
    assert error.field_errors() == {name: "This field is not part of the form."}


@given(
    param=st.sampled_from(sorted(BookParams.model_fields)),
    value=st.text(max_size=30),
    before=st.booleans(),
)
def test_a_form_field_named_like_a_param_is_refused(param: str, value: str, before: bool) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    fields = [(param, value), (ENVELOPE_FIELD, envelope)]
    error = _refused("invalid_input", fields if before else fields[::-1], setup.gate)
    assert f"/{param}" in [detail.path for detail in error.errors]


def test_an_action_without_inputs_takes_no_field() -> None:
    setup = Setup()
    envelope = _envelope(setup, {"root": _button(name="cancel")})
    for name in ["restaurant", "x", ""]:
        error = _refused("invalid_input", [(ENVELOPE_FIELD, envelope), (name, "")], setup.gate)
        assert [detail.path for detail in error.errors] == [f"/{escape_token(name)}"]
    assert setup.submit(envelope).inputs is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ([("party_size", "zero")], [("/party_size", "int_parsing")]),
        ([("party_size", "0")], [("/party_size", "greater_than_equal")]),
        ([("party_size", "2"), ("party_size", "3")], [("/party_size", "too_many_values")]),
        (
            [("party_size", "21"), ("x/y", "1")],
            [("/party_size", "less_than_equal"), ("/x~1y", "extra_forbidden")],
        ),
    ],
)
def test_each_refused_field_has_its_detail(
    fields: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    setup = Setup()
    error = _refused("invalid_input", [(ENVELOPE_FIELD, _envelope(setup)), *fields], setup.gate)
    assert sorted((d.path, d.code) for d in error.errors) == sorted(expected)
    feedback = ActionGate.feedback(error, [(ENVELOPE_FIELD, "x"), *fields])
    assert feedback.path == BUTTON_PATH
    assert ENVELOPE_FIELD not in feedback.values
    assert set(feedback.errors) == {path[1:].replace("~1", "/") for path, _ in expected}
    assert feedback.message is not None and "attention" in feedback.message


def test_an_empty_declared_field_is_a_field_not_filled_in() -> None:
    setup = Setup()
    event = setup.submit(_envelope(setup), ("party_size", ""), ("note", ""))
    assert event.inputs == BookInputs()


_PAIRS = st.lists(
    st.tuples(
        st.sampled_from([*BookInputs.model_fields, *BookParams.model_fields]) | st.text(max_size=8),
        st.text(max_size=8) | st.sampled_from(["1", "20", "Chez Lu"]),
    ),
    max_size=6,
)


@given(pairs=_PAIRS)
def test_the_event_params_are_always_the_signed_ones(pairs: list[tuple[str, str]]) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    fields = [(name, value) for name, value in pairs if name != ENVELOPE_FIELD]
    try:
        event = setup.submit(envelope, *fields)
    except GenerativeUIActionError as error:
        assert error.code == "invalid_input"
        return
    assert event.params == BookParams(restaurant="Chez Lou")
    assert {name for name, value in fields} <= set(BookInputs.model_fields)


# -- cross_site ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "cross-site", "origin": "https://example.com"},
        {"origin": "https://evil.example"},
        {"origin": "http://example.com"},
        {"origin": "null"},
    ],
)
def test_a_cross_site_post_is_refused_before_anything_else(headers: dict[str, str]) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    for form in ([(ENVELOPE_FIELD, envelope)], [("x", "y")] * (MAX_FIELDS + 1), None):
        error = _refused(
            "cross_site", form, setup.gate, headers=headers, origin="https://example.com"
        )
        assert error.status == 403
    setup.submit(envelope)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "none"},
        {"origin": "https://example.com"},
        {"sec-fetch-site": "same-origin", "origin": "null"},
    ],
)
def test_a_same_site_post_passes(headers: dict[str, str]) -> None:
    setup = Setup()
    setup.submit(_envelope(setup), headers=headers, origin="https://example.com")


# -- too_large and hostile form data -------------------------------------------------------


def test_too_many_fields_are_refused_without_reading_them_all() -> None:
    setup = Setup()
    envelope = _envelope(setup)
    endless: Iterable[tuple[str, str]] = itertools.chain(
        [(ENVELOPE_FIELD, envelope)], itertools.repeat(("note", "x"))
    )
    error = _refused("too_large", endless, setup.gate)
    assert error.status == 413
    _refused("too_large", {ENVELOPE_FIELD: envelope, "tags": ["x"] * 10**6}, setup.gate)
    many = [(ENVELOPE_FIELD, envelope)] + [("tags", "x")] * (MAX_FIELDS - 1)
    assert len(setup.submit(envelope, *many[1:]).inputs.tags) == MAX_FIELDS - 1


def test_huge_values_names_and_envelopes_are_refused() -> None:
    setup = Setup()
    envelope = _envelope(setup)
    huge = "x" * (MAX_FIELD_LENGTH + 1)
    _refused("too_large", [(ENVELOPE_FIELD, envelope), ("note", huge)], setup.gate)
    _refused("too_large", [(ENVELOPE_FIELD, envelope), ("n" * 257, "")], setup.gate)
    _refused("too_large", [(ENVELOPE_FIELD, huge)], setup.gate)
    long_envelope = envelope + "A" * (MAX_ENVELOPE_LENGTH + 1 - len(envelope))
    _refused("tampered", [(ENVELOPE_FIELD, long_envelope)], setup.gate)
    setup.submit(envelope, ("note", "x" * MAX_FIELD_LENGTH))


_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    form=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=8)
    | st.lists(st.tuples(st.text(max_size=12) | _JUNK, _JUNK), max_size=8)
    | st.dictionaries(st.text(max_size=12), _JUNK, max_size=6)
    | _JUNK,
    with_envelope=st.booleans(),
    session=st.none() | st.text(max_size=8),
)
def test_hostile_form_data_is_only_ever_refused(
    form: Any, with_envelope: bool, session: str | None
) -> None:
    setup = Setup()
    envelope = _envelope(setup)
    if with_envelope and isinstance(form, list):
        form = [(ENVELOPE_FIELD, envelope), *form]
    elif with_envelope and isinstance(form, dict):
        form = {**form, ENVELOPE_FIELD: envelope}
    try:
        setup.gate.verify(form, session=session)
    except GenerativeUIActionError as error:
        assert error.code in {"tampered", "invalid_input", "too_large"}
        assert 400 <= error.status < 500
