"""Benchmark: bytes a browser transfers — first visit of /login (page and every asset it
links), a later signed-in page (assets already cached: versioned URLs are immutable), and
the API docs page. Prints body + header bytes per encoding; targets: first visit ≤ 120 KB,
later pages ≤ 30 KB (gzip).

    .venv/bin/python bench/http_bytes.py

Runs on a fresh SQLite file with the Flask test client (no network). "identity" is what
the app sent before compression (no Accept-Encoding).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

# Not named http.py: bench/ is first on sys.path of every script here and would shadow
# the standard library's ``http`` for all of them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.services.reference import seed  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import login  # noqa: E402

ENCODINGS = {"identity": {}, "gzip": {"Accept-Encoding": "gzip"},
             "br": {"Accept-Encoding": "gzip, deflate, br"}}


def transferred(response) -> int:
    """Body plus status line and headers, as on the wire (HTTP/1.1)."""
    head = len(f"HTTP/1.1 {response.status}\r\n") + sum(
        len(f"{k}: {v}\r\n") for k, v in response.headers.items()) + 2
    return head + len(response.data)


def page_and_assets(client, url: str, headers: dict, *, assets: bool = True) -> tuple[int, int]:
    """(bytes, requests) for ``url`` and, when ``assets``, every static file it links."""
    response = client.get(url, headers=headers)
    total, count = transferred(response), 1
    if not assets:
        return total, count
    html = client.get(url).get_data(as_text=True)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        total += transferred(client.get(asset, headers=headers))
        count += 1
    return total, count


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "http.sqlite"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        seed.seed_all()
        user = factories.make_user("recipient")
        for _ in range(20):
            factories.make_need(user.organisation, description="为当地群众提供帮扶。" * 5)
        email = user.email
        db.session.commit()
    client = app.test_client()
    print(f"{'page':<44}{'encoding':<10}{'requests':>9}{'KB':>10}")
    for name, headers in ENCODINGS.items():
        size, count = page_and_assets(client, "/login", headers)
        print(f"{'first visit /login (page + assets)':<44}{name:<10}{count:>9}{size / 1024:>10.1f}")
    login(client, email)
    for name, headers in ENCODINGS.items():
        size, count = page_and_assets(client, "/needs", headers, assets=False)
        print(f"{'later page /needs (20 rows, assets cached)':<44}{name:<10}{count:>9}"
              f"{size / 1024:>10.1f}")
    for name, headers in ENCODINGS.items():
        size, count = page_and_assets(client, "/api/docs", headers)
        print(f"{'first visit /api/docs (Swagger UI)':<44}{name:<10}{count:>9}{size / 1024:>10.1f}")


if __name__ == "__main__":
    main()
