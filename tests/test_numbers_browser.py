"""Numbers are written as Chromium's ``String(number)`` writes them, for every kind of double.

genui writes number leaves on the server the way a client renderer would show them in the
browser (docs/components.md: "printed the way JavaScript prints them"). The reference is
Chromium itself: each value goes into the page as the number JSON.parse makes of it.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.htmltext import format_number
from tests import examples

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

EDGES: list[int | float] = [
    *[0, -0.0, 1, -1, 0.1, 0.5, 4.35, 100.0, 123.456, 25, 1e-7, 1e-6, 1e-5, 1.5e-7, 0.000001234],
    *[1e20, 1e21, 1.5e21, 1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308],
    *[2**53, 2**53 + 1, 2**60, 10**21, 10**30, 123456789012345678901234, 12345678901234567890.0],
    *[-1e-7, -1e21, 1 / 3, 2 / 3, 0.1 + 0.2, 9.999999999999999e20, 999999999999999900000.0],
]


@pytest.fixture(scope="module")
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def javascript_strings(page: Page, values: list[int | float]) -> list[str]:
    """``String(JSON.parse(text))`` in Chromium for each value's JSON text."""
    texts = [json.dumps(value) for value in values]
    result: list[str] = page.evaluate("(texts) => texts.map((t) => String(JSON.parse(t)))", texts)
    return result


def test_the_edges_print_as_in_chromium(page: Page) -> None:
    assert [format_number(v) for v in EDGES] == javascript_strings(page, EDGES)


def _double(bits: int) -> float:
    return float(struct.unpack("<d", struct.pack("<Q", bits))[0])


ANY_FINITE_DOUBLE = st.integers(0, 2**64 - 1).map(_double).filter(math.isfinite)
NUMBERS = st.lists(
    st.one_of(ANY_FINITE_DOUBLE, st.floats(allow_nan=False, allow_infinity=False), st.integers()),
    min_size=1,
    max_size=200,
)


@settings(max_examples=examples(40))
@given(NUMBERS)
def test_any_double_or_integer_prints_as_in_chromium(page: Page, values: list[int | float]) -> None:
    finite = [v for v in values if isinstance(v, float) or abs(v) < 10**300]
    assert [format_number(v) for v in finite] == javascript_strings(page, finite)
