"""What ``make demo`` runs: the demo server on http://127.0.0.1:8000/ (HOST/PORT override).

Listens on the loopback interface only, unless HOST says otherwise. Set
``GENUI_DEMO_LIVE=1`` and ``OPENAI_API_KEY`` to add the (clearly marked)
live-model scenario; by default everything is scripted and offline.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the `examples` package importable
    sys.path.insert(0, str(ROOT))


def main() -> None:
    """Start uvicorn and print the URL."""
    import uvicorn

    from examples.server.app import default_app

    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    shown = f"[{host}]" if ":" in host else host
    print(f"genui demo: http://{shown}:{port}/  (Ctrl-C to stop)", flush=True)
    uvicorn.run(default_app(), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
