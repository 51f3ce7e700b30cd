"""Needs and offers (项目需求清单 / 项目供给清单): the shared rules and status lifecycle
(``rules``), each kind's validation (``needs``, ``offers``), browsing with filters
(``browse``) and contact visibility (``visibility``)."""
