"""The error contract: one base type that says how each adapter answers it.

A ``DeliberunError`` is an expected refusal: the message is one line a runner can
act on, ``exit_code`` is what the CLI exits with and ``http_status`` what the
dashboard answers. The CLI maps errors in one place (``deliberun.cli.errors``),
the web in one place (``deliberun.web.errors``); any other exception is a
programming error (exit 70, HTTP 500).

This module sits at the bottom: every layer, ``io`` included, may import it, and
it imports nothing of deliberun.

==================  =========  ====  =========================================
class               also is    exit  HTTP
==================  =========  ====  =========================================
DeliberunError                 1     400
NotFoundError       LookupError 1    404
InvalidInput        ValueError 2     400  (a usage mistake: what was typed)
ConflictError                  1     409
NoPlanYet           NotFound,  1     404
                    ValueError
LoginRequired                  1     401  (serve --multi: no valid session)
Forbidden                      1     403  (serve --multi: not this user's to see or do)
==================  =========  ====  =========================================
"""

from __future__ import annotations

#: Exit code of a programming error (BSD ``EX_SOFTWARE``): a bug, not the input.
EXIT_INTERNAL = 70


class DeliberunError(Exception):
    """An expected refusal with a one-line message; the adapters answer it as below."""

    exit_code: int = 1
    http_status: int = 400


class NotFoundError(DeliberunError, LookupError):
    """The thing asked for does not exist (an activity, a course, a page's object)."""

    http_status = 404


class InvalidInput(DeliberunError, ValueError):
    """What was typed or sent is wrong (a usage mistake: exit 2, HTTP 400)."""

    exit_code = 2
    http_status = 400


class ConflictError(DeliberunError):
    """The request clashes with what is stored (HTTP 409)."""

    http_status = 409


class LoginRequired(DeliberunError):
    """The coach dashboard needs a login first (HTTP 401)."""

    http_status = 401


class Forbidden(DeliberunError):
    """The logged-in user may not see or do this (another runner's data; HTTP 403)."""

    http_status = 403


class NoPlanYet(NotFoundError, ValueError):
    """No training plan is stored yet (the message names the commands that make one)."""

    def __init__(
        self,
        message: str = (
            "no plan yet: run 'deliberun plan generate' or 'deliberun plan import FILE'"
        ),
    ) -> None:
        super().__init__(message)
