"""An agent repairs its own UI spec: pydantic-ai, ``genui.validate()`` and ``ModelRetry``.

The agent answers through an output tool, ``render_gui(spec)``, whose function validates
the spec with :func:`genui.validate`. A broken spec is answered with
``ModelRetry(result.repair_prompt())``: pydantic-ai sends that text back to the model as
the tool call's result and asks again. A valid spec ends the run, and the run's output is
the cleaned :class:`genui.GenerativeUISpec`, ready to render or to deliver to a client.

Runs offline, with no API key: the model is pydantic-ai's own test double,
:class:`~pydantic_ai.models.function.FunctionModel`, driven by :func:`scripted_model`.
Its first answer is a spec with four mistakes. Its second is that spec with the fixes the
repair prompt asked for: :func:`follow_repair_prompt` knows no genui rule and sees no
error object, only its own previous tool call and the text the agent sent back, so the
run succeeding shows that the prompt alone carries what a model needs to fix its output.

    .venv/bin/python examples/repair_loop.py

With a real model, pass it instead (``Agent("openai:gpt-5.2", ...)`` or
``agent.run_sync(..., model=...)``); nothing else changes.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic_ai import Agent, ModelRetry, RunContext, ToolOutput
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

import genui
import genui.catalog

TOOL_NAME = "render_gui"

BROKEN_SPEC: dict[str, Any] = {
    "root": [
        {"component": "Heading", "props": {"level": 9, "text": "Your order"}},
        {
            "component": "Crad",
            "props": {"title": "Order #1042", "description": "Shipped on 3 May"},
            "children": [{"component": "Text", "props": {"text": "Arrives Friday."}}],
        },
        {
            "component": "Button",
            "href": "/orders/1042/track",
            "props": {"label": "Track package", "variant": "primary", "onClick": "track()"},
        },
    ]
}
"""The model's first answer: a level-9 heading, a misspelt component, a prop outside
``props`` and an event handler."""


@dataclass
class Attempt:
    """One ``render_gui`` call: the spec the model sent and what validating it found."""

    spec: Any
    result: genui.ValidationResult


@dataclass
class RepairLog:
    """The agent's dependencies: every attempt, in order."""

    attempts: list[Attempt] = field(default_factory=list)


def render_gui(ctx: RunContext[RepairLog], spec: dict[str, Any]) -> genui.GenerativeUISpec:
    """Show the user a UI: ``spec`` is a generative UI spec, ``{"root": ...}``."""
    result = genui.validate(spec)
    ctx.deps.attempts.append(Attempt(spec, result))
    if not result.ok or result.spec is None:
        raise ModelRetry(result.repair_prompt())
    return result.spec


def build_agent() -> Agent[RepairLog, genui.GenerativeUISpec]:
    """The agent: the component catalogue as instructions, ``render_gui`` as its output."""
    return Agent(
        deps_type=RepairLog,
        output_type=ToolOutput(render_gui, name=TOOL_NAME, max_retries=2),
        instructions=genui.catalog.prompt(),
    )


# -- the scripted model: it reads the repair prompt like a model would -----------------------

_LINE = re.compile(r"^- (?P<path>\S+): (?P<message>.*) \[(?P<code>[a-z_]+)\](?: -> (?P<hint>.*))?$")
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'")
_BOUNDS = re.compile(r"must be (?:integer|number) \((?:>= (-?\d+))?(?:, )?(?:<= (-?\d+))?\)")
_MOVE = re.compile(r"^move '([^']+)' into 'props'")
_REMOVE = re.compile(r"^remove '([^']+)'")


def _pointer(path: str) -> list[str | int]:
    """The reference tokens of a JSON Pointer (array indices as ints)."""
    if path in ("", "/"):
        return []
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]
    return [int(token) if token.isdigit() else token for token in tokens]


def _parent(document: Any, tokens: list[str | int]) -> Any:
    for token in tokens[:-1]:
        document = document[token]
    return document


def follow_repair_prompt(spec: Any, prompt: str) -> Any:
    """``spec`` with every fix ``prompt``'s hints ask for; lines it cannot follow stay unfixed.

    Only the hints are read (``did you mean 'X'``, ``must be integer (>= 1, <= 6)``,
    ``move 'p' into 'props'``, ``remove 'p'``), each applied at the line's JSON Pointer.
    """
    fixed = copy.deepcopy(spec)
    for line in prompt.splitlines():
        match = _LINE.match(line)
        if match is None or not match["hint"]:
            continue
        hint, tokens = match["hint"], _pointer(match["path"])
        if not tokens:
            continue
        parent, last = _parent(fixed, tokens), tokens[-1]
        if name := _DID_YOU_MEAN.search(hint):
            parent[last] = name[1]
        elif bounds := _BOUNDS.search(hint):
            low, high = (int(bound) if bound else None for bound in bounds.groups())
            if high is not None and parent[last] > high:
                parent[last] = high
            elif low is not None and parent[last] < low:
                parent[last] = low
        elif moved := _MOVE.match(hint):
            parent.setdefault("props", {})[moved[1]] = parent.pop(moved[1])
        elif removed := _REMOVE.match(hint):
            parent.pop(removed[1], None)
    return fixed


def _last_call(messages: list[ModelMessage]) -> ToolCallPart | None:
    """The model's own last ``render_gui`` call in the conversation."""
    for message in reversed(messages):
        if isinstance(message, ModelResponse):
            for part in message.parts:
                if isinstance(part, ToolCallPart) and part.tool_name == TOOL_NAME:
                    return part
    return None


def _feedback(messages: list[ModelMessage]) -> str | None:
    """The text the agent sent back for the last ``render_gui`` call (the repair prompt).

    It is read as a provider would send it (``model_response_str()``: a retried call's
    result is ``{"error": <the ModelRetry message>}``).
    """
    last = messages[-1] if messages else None
    if not isinstance(last, ModelRequest):
        return None
    for part in last.parts:
        if isinstance(part, ToolReturnPart) and part.tool_name == TOOL_NAME:
            sent = part.model_response_str()
            try:
                decoded = json.loads(sent)
            except ValueError:
                return sent
            error = decoded.get("error") if isinstance(decoded, dict) else None
            return error if isinstance(error, str) else sent
    return None


def scripted_model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Send the broken spec first; after a retry, send it again fixed as the feedback says."""
    assert [tool.name for tool in info.output_tools] == [TOOL_NAME]
    assert info.instructions is not None and "## Card" in info.instructions
    previous, feedback = _last_call(messages), _feedback(messages)
    if previous is None or feedback is None:
        spec: Any = BROKEN_SPEC
    else:
        spec = follow_repair_prompt(previous.args_as_dict()["spec"], feedback)
    return ModelResponse(parts=[ToolCallPart(TOOL_NAME, {"spec": spec})])


# -- the run ----------------------------------------------------------------------------------


@dataclass
class RepairRun:
    """What one run did: the attempts, the delivered spec and the model requests made."""

    attempts: list[Attempt]
    spec: genui.GenerativeUISpec
    requests: int
    messages: list[ModelMessage]


def main() -> RepairRun:
    """Run the agent once with the scripted model and print how the spec got repaired."""
    agent = build_agent()
    log = RepairLog()
    result = agent.run_sync(
        "Show the customer their order #1042.", deps=log, model=FunctionModel(scripted_model)
    )
    for number, attempt in enumerate(log.attempts, 1):
        print(f"attempt {number}: {'valid' if attempt.result.ok else 'invalid'}")
        for error in attempt.result.errors:
            print(f"  {error.path}  {error.code}: {error.message}")
        if not attempt.result.ok:
            print("repair prompt sent back to the model:")
            print(attempt.result.repair_prompt())
    spec = result.output
    print("fixed spec:")
    print(json.dumps(spec.model_dump(mode="json", exclude_defaults=True), indent=2))
    print(f"model requests: {result.usage.requests}")
    return RepairRun(log.attempts, spec, result.usage.requests, result.all_messages())


if __name__ == "__main__":
    main()
