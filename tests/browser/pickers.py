"""Using the searchable pickers (static/js/pickers.js) the way a person does: type, tap."""

from __future__ import annotations

from playwright.sync_api import expect


def pick(page, label: str, *texts: str) -> None:
    """Open the picker named ``label``; for each text, type it and tap the first match; then
    close it as people do: Escape on a laptop, a tap on the page heading on a phone."""
    touch = page.evaluate("navigator.maxTouchPoints > 0")
    box = page.get_by_role("combobox", name=label, exact=True)
    box.tap() if touch else box.click()
    options = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(options).to_be_visible()
    for text in texts:
        page.keyboard.type(text)
        option = options.locator(".option", has_text=text).first
        option.tap() if touch else option.click()
    if touch:
        page.locator("h1").first.tap()
    else:
        page.keyboard.press("Escape")
    expect(options).to_be_hidden()
