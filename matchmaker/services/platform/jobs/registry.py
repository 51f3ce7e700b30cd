"""The registry of task functions, by name (``mail.send``, ``screening.screen_all``…)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TaskFunction = Callable[..., Any]
TASKS: dict[str, TaskFunction] = {}
#: What a task may take: plain JSON values (ids, strings, flags), lists of them.
PLAIN = (str, int, float, bool, type(None))


def task(name: str) -> Callable[[TaskFunction], TaskFunction]:
    """Register a function as the task ``name``."""

    def decorator(fn: TaskFunction) -> TaskFunction:
        TASKS[name] = fn
        return fn

    return decorator


def load() -> dict[str, TaskFunction]:
    """Every task, with the module that defines them imported."""
    from . import tasks  # noqa: F401 - registers the tasks

    return TASKS


def is_plain(value: Any) -> bool:
    """Plain values only: never ORM objects (a job runs in another session or process)."""
    if isinstance(value, list | tuple):
        return all(is_plain(item) for item in value)
    return isinstance(value, PLAIN)
