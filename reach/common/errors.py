"""The errors every service raises, and what they mean to a caller.

A service refuses a request by raising one of these; views, the API and commands only
translate them (the API's handler in `reach/api.py`: 404, 403, 409, 422). The message is
written for the user who asked, in their language, and never carries a database's text.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404


class DomainError(Exception):
    """A request the domain refuses; the message says why (HTTP 422)."""


class Conflict(DomainError):
    """The request clashes with the state of the record, e.g. a frozen run (HTTP 409)."""


class NotAllowed(DomainError, PermissionDenied):
    """The user may see the record but may not do this to it (HTTP 403)."""


class OutOfScope(DomainError, Http404):
    """The record is outside what the user may see: answered as if it did not exist (404)."""
