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


class LabActions:
    """What a person does in JupyterLab with nbgrader's extension, on ``self.page`` (a Playwright page)."""

    page = None

    def assignment_list(self):
        """Open Nbgrader > Assignment List."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        self.page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
        self.page.wait_for_selector("#released_assignments_list", timeout=60_000)

    def wait_idle(self):
        """Wait until the open notebook's kernel is idle."""
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)

    def type_into(self, function, source):
        """Replace the solution cell that defines ``function`` with ``source``, typed in."""
        cell = self.page.locator(".jp-CodeCell", has_text=f"def {function}(").first
        cell.scroll_into_view_if_needed()
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(source)

    def save(self):
        """Save the open notebook and wait until its tab is no longer marked modified."""
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => !document.querySelector('.lm-DockPanel-tabBar .lm-mod-current').classList.contains('jp-mod-dirty')")
