"""The served Bootstrap is trimmed to what pages use (assets/README.md): every Bootstrap
class a template names must have survived the trimming, so a forgotten ``make css`` fails."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "assets" / "bootstrap-5.3.9.min.css"
SERVED = ROOT / "matchmaker" / "static" / "css" / "bootstrap.min.css"
CLASS_ATTR = re.compile(r'class="([^"]*)"')


def _template_classes() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for value in CLASS_ATTR.findall(path.read_text(encoding="utf-8")):
            value = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", value)  # drop Jinja parts
            names.update(t for t in value.split() if re.fullmatch(r"[a-z][a-z0-9-]*", t))
    return names


def _selectors(css: str, name: str) -> bool:
    return re.search(r"\." + re.escape(name) + r"(?![\w-])", css) is not None


def test_every_bootstrap_class_used_by_a_template_is_served():
    full, served = FULL.read_text(encoding="utf-8"), SERVED.read_text(encoding="utf-8")
    used = sorted(n for n in _template_classes() if _selectors(full, n))
    assert len(used) > 50  # the scan finds the layout's classes at all
    missing = [n for n in used if not _selectors(served, n)]
    assert missing == [], f"run `make css`: {missing}"


def test_served_bootstrap_is_trimmed_and_keeps_its_licence_header():
    served = SERVED.read_text(encoding="utf-8")
    assert "Licensed under MIT" in served
    assert SERVED.stat().st_size < FULL.stat().st_size // 2
