"""Signed action envelopes: what a rendered form carries so the server can trust a click.

A rendered action holds one hidden field, the *envelope*::

    g1.<key id>.<payload>.<mac>

``payload`` is base64url of compact JSON naming the action, the agent's parameters, the
node (JSON Pointer path, key and a digest of the node as rendered), the surface (stream)
id and version, a tag of the session it was rendered for, the expiry and a nonce.
``mac`` is HMAC-SHA256, keyed with the application's secret, over everything before it
(as text): changing any byte of the envelope — payload, key id or mac — makes it fail
(:class:`ActionKeys.open` raises ``tampered``). Keys rotate: the first key signs, every
key listed verifies, and the key id says which one signed.

Nothing in an envelope is secret from the person (it is in their page), but nothing in
it can be changed by them either; :class:`~genui.ActionGate` checks the rest (expiry,
session, staleness, single use).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, NamedTuple

from genui.actions import ActionRef
from genui.errors import GenerativeUIActionError
from genui.htmltext import escape_html
from genui.spec import GenerativeUINode
from genui.writing import ActionBinding

__all__ = [
    "MAX_ENVELOPE_LENGTH",
    "MIN_KEY_BYTES",
    "ActionKeys",
    "ActionSurface",
    "Envelope",
    "node_digest",
]

MIN_KEY_BYTES: Final = 32
"""Shortest signing key accepted (256 bits, as HMAC-SHA256 wants)."""
MAX_ENVELOPE_LENGTH: Final = 12_000
"""Longest envelope accepted; longer ones are refused before any decoding."""
_PREFIX: Final = "g1"
_DOMAIN: Final = b"genui.action.v1\x00"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, separators=(",", ":"), sort_keys=True, ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def node_digest(node: GenerativeUINode) -> str:
    """A short digest of a node as rendered: it changes when anything in the node does.

    An envelope records it; the node at the envelope's path must still have it for the
    envelope to be current (see ``stale`` in :class:`~genui.ActionGate`).
    """
    dumped = node.model_dump(mode="json", exclude_defaults=True)
    return _b64(hashlib.sha256(_canonical(dumped)).digest()[:18])


class Envelope(NamedTuple):
    """What an envelope says, once its signature checked out."""

    action: str
    """The action's name."""
    params: dict[str, Any]
    """The agent's parameters, as validated when the spec was."""
    path: str
    """JSON Pointer of the node in the surface's spec."""
    key: str | None
    """The node's key, if it had one."""
    digest: str
    """:func:`node_digest` of the node as rendered."""
    surface: str
    """The surface (stream) the node was rendered in."""
    version: int
    """The surface's version when it was rendered."""
    session: str | None
    """The session tag (an HMAC of the session id), or ``None`` for no binding."""
    expires: int
    """Unix time after which the envelope is ``expired``."""
    nonce: str
    """Single-use token (:class:`~genui.NonceStore`)."""
    key_id: str
    """Which key signed it."""


def _tampered(message: str) -> GenerativeUIActionError:
    return GenerativeUIActionError(message, code="tampered", status=400)


class ActionKeys:
    """The application's signing keys: the first signs, all of them verify (rotation).

    Give each key as ``bytes`` or ``str`` of at least :data:`MIN_KEY_BYTES` bytes, e.g.
    ``secrets.token_urlsafe(32)`` kept in the app's settings. To rotate, put the new key
    first and keep the old one until the envelopes it signed have expired.
    """

    def __init__(self, keys: Sequence[str | bytes] | str | bytes) -> None:
        given = [keys] if isinstance(keys, str | bytes) else list(keys)
        if not given:
            raise ValueError("ActionKeys needs at least one key")
        self._keys: dict[str, bytes] = {}
        self._first = ""
        for item in given:
            raw = item.encode("utf-8") if isinstance(item, str) else bytes(item)
            if len(raw) < MIN_KEY_BYTES:
                raise ValueError(f"action keys must be at least {MIN_KEY_BYTES} bytes long")
            key_id = _b64(hashlib.sha256(b"genui.key-id\x00" + raw).digest()[:6])
            self._keys.setdefault(key_id, raw)
            self._first = self._first or key_id

    def __repr__(self) -> str:
        return f"ActionKeys({len(self._keys)} keys, signing with {self._first})"

    def _mac(self, key_id: str, signed: str) -> str:
        digest = hmac.new(self._keys[key_id], _DOMAIN + signed.encode("ascii"), hashlib.sha256)
        return _b64(digest.digest())

    def tag(self, purpose: str, value: str, key_id: str | None = None) -> str:
        """A keyed digest of ``value`` (session tags, nonces): not forgeable, not reversible."""
        key = self._keys[key_id or self._first]
        message = purpose.encode("ascii") + b"\x00" + value.encode("utf-8", "surrogatepass")
        return _b64(hmac.new(key, message, hashlib.sha256).digest()[:16])

    @property
    def signing_key_id(self) -> str:
        """The id of the key that signs (the first)."""
        return self._first

    def seal(self, payload: dict[str, Any]) -> str:
        """Sign ``payload`` (JSON-ready) into an envelope with the first key."""
        body = _b64(_canonical(payload))
        signed = f"{_PREFIX}.{self._first}.{body}"
        return f"{signed}.{self._mac(self._first, signed)}"

    def open(self, envelope: object) -> tuple[dict[str, Any], str]:
        """The payload of a genuine envelope and the id of the key that signed it.

        Raises :class:`~genui.GenerativeUIActionError` ``tampered`` for anything else:
        not a string, too long, malformed, an unknown key, a signature that does not
        match (compared in constant time), a payload that is not what genui signs.
        """
        if not isinstance(envelope, str) or not envelope:
            raise _tampered("the action envelope is missing")
        if len(envelope) > MAX_ENVELOPE_LENGTH or not envelope.isascii():
            raise _tampered("the action envelope is not one genui signed")
        parts = envelope.split(".")
        if len(parts) != 4 or parts[0] != _PREFIX or parts[1] not in self._keys:
            raise _tampered("the action envelope is not one genui signed")
        key_id, body, mac = parts[1], parts[2], parts[3]
        expected = self._mac(key_id, f"{_PREFIX}.{key_id}.{body}")
        if not hmac.compare_digest(expected, mac):
            raise _tampered("the action envelope's signature does not match")
        try:
            payload = json.loads(_unb64(body))
        except (binascii.Error, ValueError, UnicodeDecodeError):  # pragma: no cover - signed
            raise _tampered("the action envelope's payload is unreadable") from None
        if not isinstance(payload, dict):  # pragma: no cover - genui signs only objects
            raise _tampered("the action envelope's payload is unreadable")
        return payload, key_id

    def read(self, envelope: object) -> Envelope:
        """:meth:`open` the envelope and type its payload as an :class:`Envelope`."""
        payload, key_id = self.open(envelope)
        try:
            return Envelope(
                action=_text(payload["a"]),
                params=_mapping(payload["p"]),
                path=_text(payload["n"]),
                key=_optional_text(payload.get("k")),
                digest=_text(payload["d"]),
                surface=_text(payload["s"]),
                version=_integer(payload["v"]),
                session=_optional_text(payload.get("u")),
                expires=_integer(payload["e"]),
                nonce=_text(payload["i"]),
                key_id=key_id,
            )
        except (KeyError, TypeError):  # pragma: no cover - genui signs every field
            raise _tampered("the action envelope's payload is incomplete") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise TypeError
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError
    return value


@dataclass(frozen=True)
class ActionSurface:
    """Where actions are rendered: the signing context of one surface (a stream, a message).

    Made by :meth:`genui.ActionGate.surface`; pass it to ``Renderer.render(spec,
    surface=...)`` or to :class:`~genui.SpecStream` (``surface=``). Every action node
    rendered with it gets a signed :class:`~genui.writing.ActionBinding`.
    """

    keys: ActionKeys
    """The keys that sign."""
    endpoint: str
    """The app's action endpoint: where every action form posts."""
    id: str
    """The surface id (a stream or conversation-message id of the app's choosing)."""
    version: int = 0
    """The surface's version (a stream sets its own as it renders)."""
    session: str | None = None
    """The session the page is rendered for; submissions from another are refused."""
    ttl: int = 3_600
    """Seconds an envelope stays valid after it is rendered."""
    clock: Callable[[], float] = field(default=time.time, compare=False)
    """The time source (seconds since the epoch)."""

    def at(self, version: int) -> ActionSurface:
        """The same surface at another version."""
        return replace(self, version=version)

    def bind(self, ref: ActionRef, node: GenerativeUINode, path: str) -> ActionBinding:
        """Sign ``ref`` as found on ``node`` at ``path``: the binding its writer writes."""
        keys = self.keys
        payload: dict[str, Any] = {
            "a": ref.name,
            "p": ref.params,
            "n": path,
            "k": node.key,
            "d": node_digest(node),
            "s": self.id,
            "v": self.version,
            "u": None if self.session is None else keys.tag("session", self.session),
            "e": int(self.clock()) + self.ttl,
        }
        payload["i"] = keys.tag("nonce", _canonical(payload).decode("utf-8"))
        return ActionBinding(escape_html(self.endpoint), escape_html(keys.seal(payload)))
