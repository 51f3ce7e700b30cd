"""Business operations: plain functions that take models and validated data.

Services flush but never commit; the view (or CLI command) commits once.
"""
