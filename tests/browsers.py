"""Debian's chromium for the browser tests (Playwright drives it through
executable_path: no browser is downloaded)."""
from pathlib import Path

import pytest

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
                 if Path(p).exists()), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
