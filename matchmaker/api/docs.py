"""The readable API documentation page (/api/docs), Swagger UI served from static/."""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def docs():
    response = render_template("api/docs.html")
    # Swagger UI sets element styles at run time; scripts stay same-origin only.
    headers = {"Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; object-src 'none'")}
    return response, 200, headers
