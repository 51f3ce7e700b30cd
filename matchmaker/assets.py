"""Static files like a production site: content-hashed URLs cached for a year, text
assets compressed once per process, and ``/favicon.ico``.

``url_for('static', filename=...)`` gets ``?v=<sha256 prefix of the file>`` added (a
``url_defaults`` hook, so templates need no helper); a request carrying the file's current
hash is answered ``Cache-Control: public, max-age=31536000, immutable``, any other static
request must revalidate (``no-cache`` with its ETag). Dynamic text responses are compressed
by Flask-Compress (see ``Config.COMPRESS_*``); static text files are compressed here,
once per process and file, because Flask-Compress compresses streamed files with neither
gzip nor a cache.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache

import brotli
from flask import Flask, Response, current_app, request, send_from_directory
from werkzeug.security import safe_join

#: Served compressed when the client accepts it (and the file is at least MIN_SIZE bytes).
STATIC_COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript",
                       "application/json", "image/svg+xml", "text/plain"}
MIN_SIZE = 500
IMMUTABLE = "public, max-age=31536000, immutable"
#: Endpoints whose answers are the same for everyone (never ``no-store``).
PUBLIC_ENDPOINTS = {"static", "favicon"}
FAVICON = "favicon.svg"


@lru_cache(maxsize=512)
def _file_hash(path: str, mtime_ns: int) -> str:
    """The first 12 hex digits of the file's SHA-256 (cached per path and mtime)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def static_version(filename: str, folder: str | None = None) -> str | None:
    """The version tag of a file under the static folder, or None when there is none."""
    path = safe_join(folder or current_app.static_folder or "", filename)
    if path is None or not os.path.isfile(path):
        return None
    return _file_hash(path, os.stat(path).st_mtime_ns)


@lru_cache(maxsize=64)
def _compressed(path: str, mtime_ns: int, encoding: str) -> bytes:
    """The file's bytes compressed with ``encoding`` (computed once per process)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if encoding == "br":
        return brotli.compress(data, quality=9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def accepted_encoding(header: str) -> str | None:
    """``br`` or ``gzip`` when ``Accept-Encoding`` allows it (q > 0), brotli first."""
    allowed = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=")
        try:
            if params and float(quality) <= 0:
                continue
        except ValueError:
            continue
        allowed.add(name.strip())
    for encoding in ("br", "gzip"):
        if encoding in allowed:
            return encoding
    return None


def _compress_static(response: Response, filename: str) -> Response:
    """Swap a 200 static file response for its compressed bytes when the client takes them."""
    response.vary.add("Accept-Encoding")
    if (response.status_code != 200 or response.mimetype not in STATIC_COMPRESSIBLE
            or "Content-Encoding" in response.headers or request.range is not None):
        return response
    encoding = accepted_encoding(request.headers.get("Accept-Encoding", ""))
    path = safe_join(current_app.static_folder or "", filename)
    if encoding is None or path is None or not os.path.isfile(path):
        return response
    stat = os.stat(path)
    if stat.st_size < MIN_SIZE:
        return response
    response.close()  # the file handle send_file opened
    response.direct_passthrough = False
    response.set_data(_compressed(path, stat.st_mtime_ns, encoding))
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{encoding}", weak=weak)
    return response.make_conditional(request.environ)


def favicon() -> Response:
    """``/favicon.ico``: the SVG icon (browsers that read the page use its ``<link>``)."""
    response = send_from_directory(current_app.static_folder or "", FAVICON,
                                   mimetype="image/svg+xml", max_age=86400)
    response.cache_control.public = True
    return response


def register(app: Flask) -> None:
    """Install the versioned static URLs, their cache headers and ``/favicon.ico``."""
    app.add_url_rule("/favicon.ico", "favicon", favicon)

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and values.get("filename"):
            version = static_version(values["filename"], app.static_folder)
            if version:
                values["v"] = version

    @app.after_request
    def static_caching(response: Response) -> Response:
        if request.endpoint != "static" or not request.view_args:
            return response
        filename = request.view_args.get("filename", "")
        version = request.args.get("v")
        if version and version == static_version(filename, app.static_folder):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"
        response.headers.pop("Expires", None)
        return _compress_static(response, filename)
