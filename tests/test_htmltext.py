"""escape_html, the writers' escaping, against markupsafe's escape of the cleaned text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from genui.htmltext import (
    REPLACEMENT_CHARACTER,
    escape_html,
    escape_text,
    replace_invalid_characters,
)

from . import examples

# Every character class escape_html treats specially, plus ordinary and astral text.
_SPECIAL = [*"&<>\"'\t\n\r\x0c ", "\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x80", "\x9f"]
_NONCHARACTERS = ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]
_OTHER = ["\ud800", "\udfff", "é", "—", "\u00a0", "\u200b", "\U0001f680", "\U0001fffd", "a", "0"]
_INTERESTING = st.sampled_from([*_SPECIAL, *_NONCHARACTERS, *_OTHER])
_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="ascii")),
    st.lists(_INTERESTING, max_size=40).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF)),
)


@settings(max_examples=examples(400))
@given(_TEXT)
def test_escape_html_is_escape_of_the_cleaned_text(text: str) -> None:
    expected = str(escape(replace_invalid_characters(text)))
    assert escape_html(text) == expected
    assert str(escape_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a&b<c>\"d'e", "a&amp;b&lt;c&gt;&#34;d&#39;e"),
        (
            "nul\x00 del\x7f c1\x85",
            f"nul{REPLACEMENT_CHARACTER} del{REPLACEMENT_CHARACTER} c1\ufffd",
        ),
        ("lone \ud800 and \U0001ffff", "lone \ufffd and \ufffd"),
        ("rocket \U0001f680 stays", "rocket \U0001f680 stays"),
        ("tab\tlf\ncr\rff\x0c", "tab\tlf\ncr\rff\x0c"),
    ],
)
def test_escape_html_examples(text: str, expected: str) -> None:
    assert escape_html(text) == expected


def test_markup_input_is_escaped_as_plain_text() -> None:
    """A str subclass that claims to be HTML is still text here (props never carry HTML)."""
    assert escape_html(Markup("<b>bold</b>")) == "&lt;b&gt;bold&lt;/b&gt;"
    assert type(escape_html(Markup("plain"))) is str
