"""LIVE MODEL ADAPTER: optional, off by default, never used by the tests.

This is the one part of the demo that talks to the network. It is enabled only
when the server is started with ``GENUI_DEMO_LIVE=1`` *and* ``OPENAI_API_KEY``
is set (``GENUI_DEMO_MODEL`` picks the model, ``GENUI_DEMO_BASE_URL`` any
OpenAI-compatible endpoint). It asks the model for a spec, with genui's
catalog prompt as instructions, and feeds the streamed text into the same
``SpecStream`` the scripted scenarios use, so the page cannot tell the difference,
except that the model's output is untrusted and may fail validation.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator

import httpx

from examples.server.scenarios import Close, Feed, Scenario, ScriptContext, Step
from genui import catalog

__all__ = ["live_scenario"]

_PROMPT = "Show a small dashboard about this week's weather in Lisbon, with a table and stats."


def live_scenario() -> Scenario | None:
    """The live scenario, or ``None`` when no API key is configured."""
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        return None
    model = os.environ.get("GENUI_DEMO_MODEL", "gpt-4o-mini")
    base_url = os.environ.get("GENUI_DEMO_BASE_URL", "https://api.openai.com/v1").rstrip("/")

    async def script(ctx: ScriptContext) -> AsyncIterator[Step]:
        body = {
            "model": model,
            "stream": True,
            "response_format": {"type": "json_object"},
            "messages": [
                {
                    "role": "system",
                    "content": catalog.prompt() + "\nReply with the JSON spec only.",
                },
                {"role": "user", "content": os.environ.get("GENUI_DEMO_PROMPT", _PROMPT)},
            ],
        }
        headers = {"Authorization": f"Bearer {key}"}
        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(30.0)) as client,
            client.stream(
                "POST", f"{base_url}/chat/completions", json=body, headers=headers
            ) as response,
        ):
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                choices = json.loads(line[6:]).get("choices") or [{}]
                text = (choices[0].get("delta") or {}).get("content")
                if text:
                    yield Feed(text)
        yield Close()

    return Scenario(
        "live",
        f"Live model ({model})",
        "LIVE: a real model over the network, enabled by GENUI_DEMO_LIVE=1 and an API key. "
        "Its output is untrusted: it is validated like everything else.",
        script,
        live=True,
    )
