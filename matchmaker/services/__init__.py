"""Business operations, one package per feature (mirroring the blueprints).

Services are plain functions that take models and validated data, change the session and
flush; they never commit (``matchmaker.unit_of_work`` does, once per request or command) and
refuse with ``errors.DomainError`` (a Chinese message, a status). Who may act is asked of
``matchmaker.permissions``; money conversions live in ``money``, bounded parsing of numbers
from requests in ``params``.
"""
