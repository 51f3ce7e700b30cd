"""HTTP like a production site: compression, versioned static files cached for a year,
the icon, and signed-in pages that stay out of caches."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from matchmaker import assets
from tests.conftest import login

STATIC = Path(assets.__file__).parent / "static"
GZIP = {"Accept-Encoding": "gzip"}


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_html_is_gzipped_when_the_client_accepts_it(client):
    plain = client.get("/login")
    packed = client.get("/login", headers=GZIP)
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 2
    # The CSRF token differs per page view; the rest of the page is the same.
    assert "援藏援疆项目对接平台" in gzip.decompress(packed.data).decode()


def test_api_json_is_compressed(client, users):
    from matchmaker.extensions import db
    from matchmaker.services.accounts import identity
    from tests import factories

    for _ in range(5):
        factories.make_need(users["recipient"].organisation, description="说明" * 50)
    token = identity.create_token(users["coordinator"], "t")
    db.session.commit()
    response = client.get("/api/v1/needs", headers={**GZIP, "Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "no-store"
    assert b'"items"' in gzip.decompress(response.data)


def test_versioned_static_url_is_immutable_and_compressed(client):
    urls = _static_urls(client.get("/login").get_data(as_text=True))
    css = next(u for u in urls if "bootstrap.min.css" in u)
    assert re.search(r"\?v=[0-9a-f]{12}$", css)
    response = client.get(css, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == (STATIC / "css/bootstrap.min.css").read_bytes()
    response = client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == (STATIC / "css/bootstrap.min.css").read_bytes()


def test_compressed_static_answers_conditional_requests(client):
    url = next(u for u in _static_urls(client.get("/login").get_data(as_text=True))
               if "app.css" in u)
    etag = client.get(url, headers=GZIP).headers["ETag"]
    again = client.get(url, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/static/css/app.css", "/static/css/app.css?v=000000000000"])
def test_unversioned_static_must_revalidate(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "public" in response.headers["Cache-Control"]
    assert '<link rel="icon" href="/static/favicon.svg?v=' in client.get(
        "/login").get_data(as_text=True)


def test_signed_in_pages_stay_no_store_while_static_files_are_cached(client, users):
    login(client, users["recipient"].email)
    page = client.get("/home", headers=GZIP)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Encoding"] == "gzip"
    url = _static_urls(gzip.decompress(page.data).decode())[0]
    assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/favicon.ico").headers["Cache-Control"] != "no-store"


def test_swagger_ui_only_on_the_api_docs_page(client, users):
    assert not any("swagger" in u for u in _static_urls(client.get("/login").get_data(
        as_text=True)))
    urls = _static_urls(client.get("/api/docs").get_data(as_text=True))
    bundle = next(u for u in urls if "swagger-ui-bundle.js" in u)
    response = client.get(bundle, headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < (STATIC / "swagger/swagger-ui-bundle.js").stat().st_size / 2


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip"),
    ("identity", None), ("", None), ("gzip;q=x", None)])
def test_accepted_encoding(header, expected):
    assert assets.accepted_encoding(header) == expected
