"""Debian's Chromium driven by Playwright, for the tests that open pages in a real browser."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Headless, and quiet on a machine without network: no background requests, no first-run tasks.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_fixture():
    """A module-scoped fixture giving a launched Chromium; the test is skipped, saying why, without one."""

    @pytest.fixture(scope="module")
    def chromium():
        sync_api = pytest.importorskip("playwright.sync_api",
                                       reason="Playwright is not installed (pip install -e '.[dev]')")
        if not os.path.exists(CHROMIUM):
            pytest.skip("Chromium is not installed: on Debian or Ubuntu, apt-get install chromium "
                        "(scripts/test.sh does it when run as root)")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()

    return chromium
