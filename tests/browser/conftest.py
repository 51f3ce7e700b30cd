"""Browser tests: the app served on a free port, driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium: apt-get install chromium")
        pytest.skip("/usr/bin/chromium is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: The two screens every journey is walked on (``BOTH_WIDTHS``): a laptop and a phone.
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: ``pytestmark = BOTH_WIDTHS`` in a journey module runs each of its tests on both screens.
BOTH_WIDTHS = pytest.mark.parametrize("page", [LAPTOP, PHONE], indirect=True,
                                      ids=["1366", "390"])


@pytest.fixture()
def page(request, browser, live_server, ctx):
    viewport = getattr(request, "param", {"width": 1280, "height": 860})
    phone = viewport["width"] < 768  # a phone: touch screen, mobile viewport
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=viewport,
                                  has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def main_nav(page):
    """The main navigation, opened first on a phone (where it folds behind ☰)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#mainNav.show").wait_for()
    return page.get_by_role("navigation", name="主导航")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
