"""Accounts: users, passwords, logins and throttling, API tokens (``identity``), server-side
sessions (``sessions``), the admin's user lifecycle (``lifecycle``) and self-service sign-up
(``registration``)."""
