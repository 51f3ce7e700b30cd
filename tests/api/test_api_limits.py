"""Rate limit per token: 429 with Retry-After and the error shape."""

from __future__ import annotations

from matchmaker.extensions import limiter


def test_rate_limit_per_token(app, api):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            assert api.as_("recipient").get("/sectors").status_code == 200
        limited = api.as_("recipient").get("/sectors")
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        body = limited.get_json()
        assert body["error"] == "rate_limited" and "频繁" in body["message"]
        # Another token has its own counter.
        assert api.as_("supporter").get("/sectors").status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute"
        limiter.reset()
