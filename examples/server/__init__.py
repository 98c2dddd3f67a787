"""genui's demo server: a scripted agent streaming generative UI into a real page.

Run it with ``make demo`` (or ``python -m examples.server``); build the app in
your own code with :func:`create_app`. See ``docs/getting-started.md``.
"""

from examples.server.app import create_app
from examples.server.runs import DemoConfig

__all__ = ["DemoConfig", "create_app"]
