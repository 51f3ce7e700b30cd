"""Organisation pages: list, detail, status changes, registration."""
