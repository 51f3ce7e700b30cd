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


def test_spelling_the_header_differently_shares_the_token_counter(app, api, client):
    """Regression: the key hashed the raw header, so ``bearer`` or trailing spaces gave a
    fresh allowance for the same token."""
    token = api.tokens["recipient"]
    spellings = [f"Bearer {token}", f"bearer {token}", f"Bearer {token}  ", f"BEARER  {token}"]
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.get("/api/v1/sectors", headers={"Authorization": h}).status_code
                    for h in spellings]
        assert statuses == [200, 200, 200, 429]
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute"
        limiter.reset()


def test_api_answers_are_not_cached(api):
    assert api.as_("recipient").get("/sectors").headers["Cache-Control"] == "no-store"
