"""Using the searchable pickers (static/js/pickers.js) the way a person does: type, tap."""

from __future__ import annotations

from playwright.sync_api import expect


def pick(page, label: str, *texts: str) -> None:
    """Open the picker named ``label``; for each text, type it and tap the first match."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    options = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(options).to_be_visible()
    for text in texts:
        page.keyboard.type(text)
        options.locator(".option", has_text=text).first.click()
    page.keyboard.press("Escape")
    expect(options).to_be_hidden()
