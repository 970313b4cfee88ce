"""The request id of the work in progress, shared by logs, tasks and consumers.

A ContextVar follows the request through sync and async code alike; Celery
tasks and websocket consumers set it from what they were handed.
"""

import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()
