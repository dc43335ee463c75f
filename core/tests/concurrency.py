"""Real concurrent calls for the tests that prove a double-click or a retry is harmless:
threads, each with its own database connection, released together."""

import threading

from django.db import connection


def at_once(*calls, timeout: float = 60) -> list:
    """Run ``calls`` in threads released together by a barrier; each thread closes its own
    connection when done. Returns each call's result, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the caller asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results


def outcome(result, ok: str) -> str:
    """``ok`` for a call that returned, the refusal's code for a DomainError."""
    return getattr(result, "code", repr(result)) if isinstance(result, Exception) else ok
