"""The types of the people the platform deals with.

`User` acts: services take the signed-in person who does the change (`User | None` where a
command or a task acts on nobody's behalf). `Person` asks: access functions and predicates
take whoever sent the request, signed in or not.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from .models import User

Person: TypeAlias = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required (django-stubs' convention)."""

    user: User


__all__ = ["AuthenticatedHttpRequest", "Person", "User"]
