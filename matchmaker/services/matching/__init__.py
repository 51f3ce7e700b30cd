"""Matching: scoring pairs with the engine (``ranking``, ``weights``), what candidate pages show
(``candidates``), the match lifecycle (``lifecycle``: decide, accept, decline, cancel),
completion figures and their confirmation (``figures``, ``delivery``), 建议方案 (``plans``),
which matches a user sees (``visibility``) and the coordinator's work queue (``work_queue``)."""
