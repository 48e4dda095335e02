"""``store.retry``: which write conflicts a writer waits out, and which it re-raises.

The stored verdicts (issue 14) are written by every import; two imports at once meet on
the same rows (tests/test_postgres_writers.py runs that for real): a unique-key hit or an
ORM update of a row the other writer changed is retried only where the caller re-reads
before it writes (``retry_integrity=True``).
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from deliberun.store.retry import is_database_error, is_transient, retry_write


def _failing(times: int, exc: BaseException) -> tuple[list[int], object]:
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise exc
        return "stored"

    return calls, fn


@pytest.mark.parametrize(
    "exc",
    [
        StaleDataError("UPDATE expected 57 rows; 56 matched"),
        IntegrityError("INSERT", {}, Exception("duplicate key value")),
    ],  # fmt: skip
)
def test_a_row_another_writer_took_is_retried_only_when_the_caller_rereads(
    exc: BaseException,
) -> None:
    assert is_transient(exc, integrity=True) and not is_transient(exc)
    calls, fn = _failing(2, exc)
    assert retry_write(fn, retry_integrity=True, sleep=lambda _s: None) == "stored"  # type: ignore[arg-type]
    assert len(calls) == 3
    calls, fn = _failing(1, exc)
    with pytest.raises(type(exc)):
        retry_write(fn, sleep=lambda _s: None)  # type: ignore[arg-type]
    assert len(calls) == 1


def test_other_errors_are_raised_at_once() -> None:
    calls, fn = _failing(1, ValueError("a bug"))
    with pytest.raises(ValueError):
        retry_write(fn, retry_integrity=True, sleep=lambda _s: None)  # type: ignore[arg-type]
    assert calls == [1]


def test_a_cache_writer_may_leave_only_database_errors() -> None:
    assert is_database_error(StaleDataError("gone"))
    assert is_database_error(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_database_error(ValueError("a bug"))
