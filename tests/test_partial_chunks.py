"""The streaming parser costs its input's length however small the chunks are.

yajl lexes a token cut by a chunk boundary again from its start, so feeding a long string or
number in small chunks was quadratic (a 100 KB number in 4-byte chunks: 8.6 s). The assembler
holds back the end of an unfinished token; these tests count the bytes it hands to yajl (work,
not time) and check that any chunking gives the result, or the error, of feeding at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genui import DEFAULT_LIMITS, GenerativeUIError
from genui.partial import SpecAssembler


def _feed(text: str, size: int, *, finish: bool = True) -> tuple[SpecAssembler, list[int]]:
    """Feed ``text`` in chunks of ``size`` characters; the assembler and each send to yajl."""
    assembler = SpecAssembler(DEFAULT_LIMITS)
    sends: list[int] = []
    send = assembler._send

    def counting(data: bytes) -> None:
        sends.append(len(data))
        send(data)

    assembler._send = counting  # type: ignore[method-assign]
    for start in range(0, len(text), size):
        assembler.feed(text[start : start + size])
    if finish:
        assembler.finish()
    return assembler, sends


def _outcome(text: str, size: int) -> Any:
    try:
        assembler, _ = _feed(text, size)
    except GenerativeUIError as error:
        return ("error", error.code)
    spec = assembler.current()
    return spec.model_dump() if spec is not None else None


LONG_TOKENS: dict[str, Callable[[int], tuple[str, str, str]]] = {  # before, token, after
    "string": lambda n: ('{"root": [', json.dumps("x" * n), "]}"),
    "escapes": lambda n: ('{"root": [', json.dumps('a\\"\u00e9\U0001f600' * (n // 8)), "]}"),
    "number": lambda n: ('{"root": [', "0." + "1" * n, "]}"),
    "key": lambda n: ('{"root": {"component": "Text", "props": {', json.dumps("k" * n), ": 1}}}"),
}


def _text(kind: str, length: int) -> str:
    return "".join(LONG_TOKENS[kind](length))


@pytest.mark.parametrize("kind", sorted(LONG_TOKENS))
@pytest.mark.parametrize("size", [1, 4, 37])
def test_a_long_token_reaches_yajl_in_a_few_growing_pieces(kind: str, size: int) -> None:
    """Each send makes yajl lex the token's start again: a few sends, doubling, cost linear."""
    counts = []
    for length in (20_000, 40_000):
        before, token, _ = LONG_TOKENS[kind](length)
        _, sends = _feed(before + token, size, finish=False)  # the token still unfinished
        assert sum(sends) <= len((before + token).encode())  # every byte sent once
        counts.append(len(sends) - -(-len(before) // size))  # the sends inside the token
    assert counts[0] <= 12, counts  # 4 KiB, then doubling: ~log2(length / 4 KiB) + a few
    assert counts[1] <= counts[0] + 2, counts  # doubling the token adds a send or two


@pytest.mark.parametrize("kind", sorted(LONG_TOKENS))
def test_any_chunk_size_gives_what_feeding_at_once_gives(kind: str) -> None:
    text = _text(kind, 9_000)
    whole = _outcome(text, len(text))
    for size in (1, 2, 3, 5, 4095, 4096, 4097, 8191):
        assert _outcome(text, size) == whole, size


@given(
    st.text(alphabet='ab"\\\u00e9 0123456789.eE-+,[]{}:\n\t', max_size=60),
    st.integers(min_value=1, max_value=7),
)
def test_any_text_in_any_chunks_ends_as_it_would_at_once(body: str, size: int) -> None:
    for text in (body, '{"root": [' + body + "]}", '{"root": ["' + body + '"]}'):
        chunked, whole = _outcome(text, size), _outcome(text, max(1, len(text)))
        if isinstance(whole, tuple) and isinstance(chunked, tuple):
            continue  # both refused; which problem comes first depends on what arrived first
        assert chunked == whole, (text, size)


def test_an_invalid_byte_inside_a_held_string_is_still_refused() -> None:
    text = '{"root": ["' + "x" * 1_000 + "\x01" + "y" * 1_000 + '"]}'
    with pytest.raises(GenerativeUIError) as raised:
        _feed(text, 4)
    assert raised.value.code == "invalid_json"


def test_structure_before_a_long_token_is_seen_before_the_token_ends() -> None:
    assembler = SpecAssembler(DEFAULT_LIMITS)
    assembler.feed('{"root": [{"component": "Stack", "children": ["done", "')
    assembler.feed("x" * 10)  # still inside the string
    spec = assembler.current()
    assert spec is not None
    assert spec.model_dump()["root"][0]["children"] == ["done"]
