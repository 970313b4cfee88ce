"""Who owns an identification: the signed-in user, or a token in the session."""

from __future__ import annotations

import secrets

SESSION_OWNER_KEY = "identify_owner"


def anonymous_owner_get(session, *, create: bool = False) -> str:
    """The visitor's anonymous owner token; '' if none and not ``create``.

    A token in the session data (not the session key) survives the key
    change at sign-in, so the requests can move to the account then.
    """
    token = session.get(SESSION_OWNER_KEY, "") if session is not None else ""
    if not token and create:
        token = secrets.token_hex(16)
        session[SESSION_OWNER_KEY] = token
    return token


def rate_limit_key(user, anonymous_owner: str) -> str:
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"anon:{anonymous_owner}"
