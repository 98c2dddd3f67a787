"""One set of rules for untrusted JSON text, followed by every entry point that takes text.

Each rule is checked through validate(), parse_spec(), render(), a patch given as text and
the streaming parser fed the text in every split into two chunks — all must agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import genui
from genui import GenerativeUIError, SpecStream
from genui.jsontext import decode_json, lone_surrogate


def _validate(text: str) -> str | None:
    errors = genui.validate(text).errors
    return errors[0].code if errors else None


def _raises(run: Callable[[], Any]) -> str | None:
    try:
        run()
    except GenerativeUIError as error:
        return error.errors[0].code
    return None


def _parse(text: str) -> str | None:
    return _raises(lambda: genui.parse_spec(text))


def _render(text: str) -> str | None:
    return _raises(lambda: genui.Renderer(on_invalid_props="drop").render(text))


def _patch(text: str) -> str | None:
    ops = '[{"op": "replace", "path": "", "value": ' + text + "}]"
    return _raises(lambda: genui.apply_patch({"root": []}, ops))


def _stream(text: str) -> str | None:
    codes = set()
    for split in range(len(text) + 1):
        stream = SpecStream(renderer=genui.Renderer(on_invalid_props="drop"))

        def feed(split: int = split, stream: SpecStream = stream) -> None:
            stream.feed(text[:split])
            stream.feed(text[split:])
            stream.close()

        codes.add(_raises(feed))
    assert len(codes) == 1, codes  # the same verdict wherever the text is cut
    return codes.pop()


ENTRY_POINTS = [_validate, _parse, _render, _patch, _stream]

RULES = [
    ('{"root": ["\\ud800"]}', "invalid_json"),
    ('{"root": ["\\udc00 trailing low"]}', "invalid_json"),
    ('{"root": [1e400]}', "invalid_json"),
    ('{"root": [-1e400]}', "invalid_json"),
    ('{"root": [NaN]}', "invalid_json"),
    ('{"root": ["x"], "root": ["y"]}', "duplicate_key"),
    ('{"root" : ["x"], "root"\n: ["y"]}', "duplicate_key"),
    ('{"root": {"component": "Text", "props": {"text": "a", "text": "b"}}}', "duplicate_key"),
    ('{"root": ["x"]} x', "invalid_json"),
    ('\u00a0{"root": ["x"]}', "invalid_json"),
]
VALID = [
    '{"root": ["\\ud83d\\ude00 a pair"]}',
    '{"root": ["a\\\\ud800 is an escaped backslash"]}',
    '{"root": [1e300, "\\": in a string"]}',
    '{"root" : ["spaced member"]}',
    '{"root": [{"component": "Link", "props": {"href": "https://a.example/b", "text": "t"}}]}',
]


@pytest.mark.parametrize(("text", "code"), RULES)
@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda entry: entry.__name__.strip("_"))
def test_every_entry_point_refuses_the_same_text_with_the_same_code(
    entry: Callable[[str], str | None], text: str, code: str
) -> None:
    assert entry(text) == code


@pytest.mark.parametrize("text", VALID)
@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda entry: entry.__name__.strip("_"))
def test_every_entry_point_accepts_the_same_valid_text(
    entry: Callable[[str], str | None], text: str
) -> None:
    assert entry(text) is None


def test_decoding_agrees_with_the_standard_library_on_valid_json() -> None:
    for text in VALID:
        assert decode_json(text) == json.loads(text)


def test_lone_surrogates_are_found_only_when_unpaired() -> None:
    assert lone_surrogate('"\\ud800"')
    assert lone_surrogate('"\\udc00"')
    assert not lone_surrogate('"\\ud800\\udc00"')
    assert not lone_surrogate('"\\\\ud800"')
    assert lone_surrogate('"\\\\\\ud800"')


def test_duplicate_members_are_found_past_strings_that_look_like_members() -> None:
    text = json.dumps({"root": ['":', '" :', "x"], "a": {"b": 1}})
    assert decode_json(text) == json.loads(text)
    with pytest.raises(GenerativeUIError) as info:
        decode_json('{"a": {"b": "\\":", "b": 2}}')
    assert info.value.errors[0].code == "duplicate_key"
    assert info.value.errors[0].hint
