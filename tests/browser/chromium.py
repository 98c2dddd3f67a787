"""Which Chromium the browser tests launch, and with which switches.

Playwright's own downloaded browsers are deliberately not used: CI installs Debian's package.
"""

from __future__ import annotations

import os
import shutil

__all__ = ["CHROMIUM_ARGS", "COMMON_CHROMIUM_ARGS", "BrowserUnavailableError", "chromium_path"]

_DEBIAN_CHROMIUM = "/usr/bin/chromium"

#: Switches every headless Chromium of the test-suite runs with, the demo-server tests' (which
#: need normal networking on loopback) as well as the oracle's.
COMMON_CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: The oracle's switches: the common ones, and no host resolves.
#: Playwright adds its own switches (``--disable-features=HttpsUpgrades,...`` among them).
#: Do not pass another ``--disable-features`` here: Chromium keeps only the last occurrence,
#: and disabling ``RenderDocument`` (faster navigations) made autofocus unreliable with
#: several tabs in flight.
CHROMIUM_ARGS: tuple[str, ...] = (
    *COMMON_CHROMIUM_ARGS,
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


class BrowserUnavailableError(RuntimeError):
    """Chromium or Playwright is missing, so the oracle cannot start."""


def chromium_path() -> str | None:
    """Return the Chromium executable to use, or ``None`` when there is none.

    ``GENUI_CHROMIUM`` wins when set (and must point at an executable); otherwise Debian's
    ``/usr/bin/chromium``, then ``chromium`` / ``chromium-browser`` on ``PATH``.
    """
    override = os.environ.get("GENUI_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access(_DEBIAN_CHROMIUM, os.X_OK):
        return _DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None
