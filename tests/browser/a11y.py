"""axe-core (tests/browser/vendor/axe.min.js, a test tool never served to users) run inside
a page: the WCAG 2.x A/AA rules GB/T 37668 assesses against."""

from __future__ import annotations

import os
from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: Impacts the sweep allows none of (``A11Y_IMPACTS=minor,moderate,serious,critical`` to
#: see everything axe finds while working on a page).
BLOCKING = set(os.environ.get("A11Y_IMPACTS", "serious,critical").split(","))


def violations(page) -> list[dict]:
    """Every axe violation on the page as it is now (impact, rule, where)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
              (n.failureSummary || '').split('\\n').slice(0, 3).join(' '))}));
        }""", TAGS)


def blocking(page) -> list[dict]:
    """Violations of serious or critical impact: the ones the sweep allows none of."""
    return [v for v in violations(page) if v["impact"] in BLOCKING]


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, items in found.items():
        for v in items:
            lines.append(f"{where}: [{v['impact']}] {v['id']} — {v['help']}")
            lines.extend(f"      {n}" for n in v["nodes"])
    return "\n".join(lines)
