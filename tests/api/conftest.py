"""API fixtures: a bearer token per role and a JSON client."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.services.accounts import identity


class Api:
    """Calls /api/v1 with a role's token: ``api.as_("recipient").get("/needs")``."""

    def __init__(self, client, tokens):
        self.client, self.tokens, self.role = client, tokens, None

    def as_(self, role: str | None) -> Api:
        other = Api(self.client, self.tokens)
        other.role = role
        return other

    def _headers(self):
        return {"Authorization": f"Bearer {self.tokens[self.role]}"} if self.role else {}

    def call(self, method: str, path: str, json=None, **kw):
        return self.client.open(f"/api/v1{path}", method=method, json=json,
                                headers=self._headers(), **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json if json is not None else {}, **kw)

    def patch(self, path, json=None, **kw):
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


@pytest.fixture()
def api(client, users):
    tokens = {role: identity.create_token(user, "tests") for role, user in users.items()}
    db.session.commit()
    return Api(client, tokens)
