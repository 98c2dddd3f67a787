"""examples/repair_loop.py: a pydantic-ai agent repairs its spec from genui's repair prompt.

Offline: pydantic-ai's FunctionModel plays the model, and real model requests are switched
off for the whole module (``ALLOW_MODEL_REQUESTS``), so a provider is never reached.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai import models
from pydantic_ai.messages import ModelResponse, ToolReturnPart

import genui
from examples import repair_loop
from examples.repair_loop import BROKEN_SPEC, follow_repair_prompt, main

DOC = Path(__file__).resolve().parent.parent / "docs" / "validation.md"
EXPECTED_CODES = ["invalid_value", "unknown_component", "extra_field", "event_handler"]


def _main() -> repair_loop.RepairRun:
    """Run the example in a thread of its own.

    ``run_sync`` needs a thread with no event loop running, and the session's Playwright
    browser (sync API) keeps one running in the main thread.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(main).result()


@pytest.fixture(autouse=True)
def _no_real_model_requests(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(models, "ALLOW_MODEL_REQUESTS", False)
    yield


def test_the_agent_repairs_its_spec_from_the_repair_prompt(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = _main()

    first, second = run.attempts  # exactly two render_gui calls
    assert not first.result.ok
    assert [error.code for error in first.result.errors] == EXPECTED_CODES
    assert [error.path for error in first.result.errors] == [
        "/root/0/props/level",
        "/root/1/component",
        "/root/2/href",
        "/root/2/props/onClick",
    ]
    assert first.spec == BROKEN_SPEC
    assert second.result.ok and second.result.errors == ()
    assert run.requests == 2
    assert sum(isinstance(message, ModelResponse) for message in run.messages) == 2

    # the model was sent the repair prompt as the result of its first call
    retried = [
        part
        for message in run.messages
        for part in message.parts
        if isinstance(part, ToolReturnPart) and part.outcome == "retried"
    ]
    assert len(retried) == 1
    assert retried[0].content == first.result.repair_prompt()

    # the delivered output is the clean spec, and it renders
    assert run.spec == second.result.spec
    assert genui.validate(run.spec).ok
    html = genui.render(run.spec)
    assert "Your order" in html and "Order #1042" in html
    assert 'href="/orders/1042/track"' in html
    assert "onClick" not in html and "track()" not in html

    out = capsys.readouterr().out
    assert "attempt 1: invalid" in out and "attempt 2: valid" in out
    assert first.result.repair_prompt() in out
    assert "model requests: 2" in out


def test_the_fix_comes_from_the_hints() -> None:
    prompt = genui.validate(BROKEN_SPEC).repair_prompt()
    assert genui.validate(follow_repair_prompt(BROKEN_SPEC, prompt)).ok
    # without the hints the scripted model fixes nothing, and the spec stays broken
    bare = "\n".join(line.split(" -> ")[0] for line in prompt.splitlines())
    assert follow_repair_prompt(BROKEN_SPEC, bare) == BROKEN_SPEC


def test_a_model_that_ignores_the_prompt_runs_out_of_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def ignores_feedback(spec: Any, prompt: str) -> Any:
        return spec

    monkeypatch.setattr(repair_loop, "follow_repair_prompt", ignores_feedback)
    with pytest.raises(Exception, match="maximum output retries"):
        _main()


def _text_block_after(heading: str, text: str) -> str:
    section = text.split(heading, 1)[1]
    match = re.search(r"```text\n(.*?)\n```", section, re.S)
    assert match is not None, f"no text block after {heading!r}"
    return match[1]


def test_the_docs_show_the_repair_prompt_verbatim() -> None:
    doc = DOC.read_text(encoding="utf-8")
    shown = _text_block_after("The repair prompt", doc)
    assert shown == genui.validate(BROKEN_SPEC).repair_prompt()
