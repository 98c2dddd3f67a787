"""genui.envelope: signing keys, sealed envelopes, node digests and the action surface."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from genui import ActionKeys, ActionRef, GenerativeUIActionError
from genui.envelope import MAX_ENVELOPE_LENGTH, MIN_KEY_BYTES, ActionSurface, node_digest
from genui.spec import GenerativeUINode

OLD_KEY = "o" * MIN_KEY_BYTES
NEW_KEY = "n" * MIN_KEY_BYTES
PAYLOAD: dict[str, Any] = {
    "a": "book_table",
    "p": {"restaurant": "Chez Lou", "when": ["19:00", 2]},
    "n": "/root/0/children/1",
    "k": "book",
    "d": "digest",
    "s": "surface-1",
    "v": 3,
    "u": None,
    "e": 1_700_003_600,
    "i": "nonce",
}


def _tampered(keys: ActionKeys, envelope: object) -> None:
    with pytest.raises(GenerativeUIActionError) as info:
        keys.read(envelope)
    assert info.value.code == "tampered"
    assert info.value.status == 400


# -- keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "x" * (MIN_KEY_BYTES - 1), b"\0" * (MIN_KEY_BYTES - 1)])
def test_keys_shorter_than_32_bytes_are_refused(key: str | bytes) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ActionKeys(key)
    with pytest.raises(ValueError, match="32 bytes"):
        ActionKeys([NEW_KEY, key])


def test_key_length_is_counted_in_bytes() -> None:
    ActionKeys("é" * (MIN_KEY_BYTES // 2))  # 2 bytes each in UTF-8
    ActionKeys(b"\xff" * MIN_KEY_BYTES)
    with pytest.raises(ValueError):
        ActionKeys("é" * (MIN_KEY_BYTES // 2 - 1) + "x")


def test_an_empty_key_list_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        ActionKeys([])


def test_the_first_key_signs_and_the_repr_shows_no_key() -> None:
    keys = ActionKeys([NEW_KEY, OLD_KEY])
    assert keys.signing_key_id == ActionKeys(NEW_KEY).signing_key_id
    assert keys.signing_key_id != ActionKeys(OLD_KEY).signing_key_id
    assert keys.seal(PAYLOAD).split(".")[1] == keys.signing_key_id
    assert NEW_KEY not in repr(keys) and OLD_KEY not in repr(keys)
    assert "2 keys" in repr(keys)


def test_the_same_key_twice_is_one_key() -> None:
    assert "1 keys" in repr(ActionKeys([NEW_KEY, NEW_KEY.encode()]))


def test_tags_depend_on_purpose_value_and_key() -> None:
    keys = ActionKeys(NEW_KEY)
    assert keys.tag("session", "alice") == keys.tag("session", "alice")
    assert keys.tag("session", "alice") != keys.tag("session", "bob")
    assert keys.tag("session", "alice") != keys.tag("nonce", "alice")
    assert keys.tag("session", "alice") != ActionKeys(OLD_KEY).tag("session", "alice")
    assert "alice" not in keys.tag("session", "alice")


# -- seal, open, read ----------------------------------------------------------------------


def test_seal_then_read_gives_the_payload_back_typed() -> None:
    keys = ActionKeys(NEW_KEY)
    envelope = keys.seal(PAYLOAD)
    assert envelope.startswith("g1.") and envelope.isascii() and len(envelope.split(".")) == 4
    assert keys.open(envelope) == (PAYLOAD, keys.signing_key_id)
    read = keys.read(envelope)
    assert read.action == "book_table"
    assert read.params == PAYLOAD["p"]
    assert (read.path, read.key, read.digest) == ("/root/0/children/1", "book", "digest")
    assert (read.surface, read.version, read.session) == ("surface-1", 3, None)
    assert (read.expires, read.nonce, read.key_id) == (1_700_003_600, "nonce", keys.signing_key_id)


def test_envelopes_are_url_and_html_safe() -> None:
    envelope = ActionKeys(NEW_KEY).seal({**PAYLOAD, "p": {"q": "<\"&'>\u2028é"}})
    assert set(envelope) <= set(string.ascii_letters + string.digits + "-_.")


def test_an_envelope_signed_by_an_old_key_verifies_while_that_key_is_listed() -> None:
    envelope = ActionKeys(OLD_KEY).seal(PAYLOAD)
    rotated = ActionKeys([NEW_KEY, OLD_KEY])
    payload, key_id = rotated.open(envelope)
    assert payload == PAYLOAD
    assert key_id == ActionKeys(OLD_KEY).signing_key_id != rotated.signing_key_id
    _tampered(ActionKeys(NEW_KEY), envelope)  # the old key is removed


def test_a_signature_by_a_key_with_the_same_id_slot_but_another_secret_fails() -> None:
    genuine = ActionKeys(NEW_KEY).seal(PAYLOAD)
    forged = ActionKeys(OLD_KEY).seal(PAYLOAD)
    key_id = genuine.split(".")[1]
    _tampered(ActionKeys(NEW_KEY), f"g1.{key_id}.{forged.split('.', 2)[2]}")


@pytest.mark.parametrize(
    "envelope",
    [None, 1, b"g1", ["g1"], "", "g1", "g1...", "g2.a.b.c", "x" * (MAX_ENVELOPE_LENGTH + 1)],
)
def test_anything_but_a_genuine_envelope_is_tampered(envelope: object) -> None:
    _tampered(ActionKeys(NEW_KEY), envelope)


def test_a_signed_payload_genui_did_not_write_is_tampered() -> None:
    keys = ActionKeys(NEW_KEY)
    _tampered(keys, keys.seal({}))
    _tampered(keys, keys.seal({**PAYLOAD, "v": "3"}))
    _tampered(keys, keys.seal({**PAYLOAD, "p": []}))


_ENVELOPE_CHARS = st.sampled_from(string.ascii_letters + string.digits + "-_.=+/ \0")


@given(
    payload=st.fixed_dictionaries(
        {"p": st.dictionaries(st.text(max_size=5), st.text(max_size=10), max_size=3)}
    ),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    edit=st.sampled_from(["substitute", "insert", "delete"]),
    char=_ENVELOPE_CHARS | st.characters(),
)
def test_any_single_character_change_is_tampered(
    payload: dict[str, Any], where: float, edit: str, char: str
) -> None:
    keys = ActionKeys([NEW_KEY, OLD_KEY])
    envelope = keys.seal({**PAYLOAD, **payload})
    at = int(where * len(envelope))
    if edit == "substitute":
        assume(envelope[at] != char)
        changed = envelope[:at] + char + envelope[at + 1 :]
    elif edit == "insert":
        changed = envelope[:at] + char + envelope[at:]
    else:
        changed = envelope[:at] + envelope[at + 1 :]
    _tampered(keys, changed)


@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(0, 7))
def test_any_single_bit_flip_in_the_bytes_is_tampered(where: float, bit: int) -> None:
    keys = ActionKeys(NEW_KEY)
    raw = bytearray(keys.seal(PAYLOAD).encode("ascii"))
    raw[int(where * len(raw))] ^= 1 << bit
    _tampered(keys, raw.decode("latin-1"))


# -- node digests and the surface ----------------------------------------------------------


def _button(label: str, **params: Any) -> GenerativeUINode:
    action = {"name": "book_table", "params": params}
    return GenerativeUINode.model_validate(
        {"component": "Button", "props": {"label": label, "action": action}}
    )


def test_the_node_digest_changes_with_anything_in_the_node() -> None:
    base = node_digest(_button("Book", restaurant="Chez Lou"))
    assert node_digest(_button("Book", restaurant="Chez Lou")) == base
    assert node_digest(_button("Book!", restaurant="Chez Lou")) != base
    assert node_digest(_button("Book", restaurant="Chez Lu")) != base
    card = GenerativeUINode.model_validate({"component": "Card", "children": ["a"]})
    other = GenerativeUINode.model_validate({"component": "Card", "children": ["b"]})
    keyed = GenerativeUINode.model_validate({"component": "Card", "children": ["a"], "key": "k"})
    assert len({node_digest(card), node_digest(other), node_digest(keyed)}) == 3


def test_a_surface_signs_what_the_node_and_the_surface_say() -> None:
    keys = ActionKeys(NEW_KEY)
    surface = ActionSurface(
        keys, "/act", "chat-7", version=2, session="alice", ttl=60, clock=lambda: 1_000.9
    )
    node = _button("Book", restaurant="Chez Lou")
    ref = ActionRef(name="book_table", params={"restaurant": "Chez Lou"})
    binding = surface.bind(ref, node, "/root/1")
    assert binding.endpoint == "/act"
    read = keys.read(binding.envelope)
    assert (read.action, read.params) == ("book_table", {"restaurant": "Chez Lou"})
    assert (read.path, read.key, read.digest) == ("/root/1", None, node_digest(node))
    assert (read.surface, read.version, read.expires) == ("chat-7", 2, 1_060)
    assert read.session == keys.tag("session", "alice")
    assert 'name="genui-action"' in binding.hidden_input()
    assert binding.form_attrs() == ' method="post" action="/act"'
    assert keys.read(surface.at(3).bind(ref, node, "/root/1").envelope).version == 3


def test_every_rendered_place_gets_its_own_nonce() -> None:
    keys = ActionKeys(NEW_KEY)
    surface = ActionSurface(keys, "/act", "chat-7", clock=lambda: 1_000.0)
    ref = ActionRef(name="book_table")
    node = _button("Book")
    nonces = {
        keys.read(place.bind(ref, node, path).envelope).nonce
        for place in (surface, surface.at(1), ActionSurface(keys, "/act", "chat-8"))
        for path in ("/root/0", "/root/1")
    }
    assert len(nonces) == 6
