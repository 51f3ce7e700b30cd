"""Platform: the append-only audit log (``audit``) and reading it (``audit_history``,
``audit_search``), in-app notifications (``notifications``) and e-mail (``mailer``)."""
