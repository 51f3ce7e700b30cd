"""RQ on Redis: the queue the web processes push to and ``flask worker`` takes from."""

from __future__ import annotations

from functools import lru_cache

from redis import Redis
from rq import Queue, SimpleWorker

QUEUE_NAME = "matchmaker"
JOB_TIMEOUT = 3600  # seconds; a batch ranking of every need and offer fits well within it


@lru_cache(maxsize=8)
def redis_connection(url: str) -> Redis:
    """One client (and connection pool) per URL; short timeouts so a dead Redis is
    noticed in seconds, not minutes."""
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def rq_queue(url: str) -> Queue:
    return Queue(QUEUE_NAME, connection=redis_connection(url))


def worker(url: str) -> SimpleWorker:
    """A worker that runs each job in its own process' app context (no fork: the app's
    database pool is not shared with a child)."""
    return SimpleWorker([rq_queue(url)], connection=redis_connection(url))
