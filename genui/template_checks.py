"""Checks every template genui loads makes before it is compiled: attribute values are quoted.

Autoescape makes ``"``, ``'``, ``<``, ``>`` and ``&`` harmless, which is enough inside a
quoted attribute value. Unquoted, a value ends at the first space, so an agent's
``x onfocus=alert(1) autofocus`` written as ``<a title={{ props.title }}>`` adds attributes
that run script. :class:`QuotedAttributes` refuses such a template when it is loaded (a
:class:`jinja2.TemplateSyntaxError` naming the line), not when an agent first finds it.
"""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import TemplateSyntaxError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

__all__ = ["QuotedAttributes"]


class _TagState:
    """Where the template text so far leaves the HTML tokenizer.

    In a tag, in a quoted value, or right after an attribute's ``=`` (where an unquoted
    value would start).
    """

    def __init__(self) -> None:
        self.in_tag = False
        self.quote = ""
        self.after_equals = False

    def feed(self, text: str) -> None:
        for index, char in enumerate(text):
            if not self.in_tag:
                following = text[index + 1 : index + 2]
                if char == "<" and (following.isalpha() or following in "/!"):
                    self.in_tag = True
                continue
            if self.quote:
                if char == self.quote:
                    self.quote = ""
                continue
            if char in "\"'" and self.after_equals:
                self.quote, self.after_equals = char, False
            elif char == ">":
                self.in_tag, self.after_equals = False, False
            elif char == "=":
                self.after_equals = True
            elif not char.isspace():
                self.after_equals = False

    def wrote_value(self) -> None:
        """An expression was written (quoted or not, the value is no longer starting)."""
        self.after_equals = False


class QuotedAttributes(Extension):
    """A Jinja2 extension that refuses templates writing an attribute value unquoted."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Pass the tokens on, refusing ``name={{ ... }}`` (an unquoted value)."""
        state = _TagState()
        for token in stream:
            if token.type == "data":
                state.feed(token.value)
            elif token.type == "variable_begin":
                if state.in_tag and not state.quote and state.after_equals:
                    raise TemplateSyntaxError(
                        "an attribute value written by an expression must be quoted: "
                        'write name="{{ ... }}" (unquoted, a space in the value starts a new '
                        "attribute)",
                        token.lineno,
                        stream.name,
                        stream.filename,
                    )
                state.wrote_value()
            yield token
