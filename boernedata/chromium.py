"""The Chromium the project drives: the Debian package (scripts/install_chromium.sh; Playwright's own
browser downloads are never used) and the flags it needs on a closed machine.

The browser tests (pytests/conftest.py, through Playwright) launch it from here, so the executable and
the flags have one home. (The data packages' PDFs come from Typst, not from a browser: datapakke/pdf.py.)
"""

from __future__ import annotations

import shutil

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
LAUNCH_ARGS = [
    "--no-sandbox",  # the tests and CI run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No background connections: the machine's network is closed, and a report must not call out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    # Several pages print at once; a background page must not be throttled.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
INSTALL_HINT = "Chromium is not installed (scripts/install_chromium.sh installs Debian's package)"


def find() -> str | None:
    """The Chromium executable on PATH, or None."""
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def launch_options(executable: str | None = None) -> dict:
    """Keyword arguments for Playwright's `chromium.launch` (the browser tests)."""
    return {"executable_path": executable or find(), "args": list(LAUNCH_ARGS), "headless": True}
