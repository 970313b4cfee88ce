"""Request ids across process boundaries, and Sentry.

HTTP requests get their id in ``config.middleware.RequestIdMiddleware``. This
module carries it further:

* into Celery: the id rides in the task message's headers (set when the task
  is published, from the publisher's context) and the worker puts it back
  into the ContextVar for the task's run, so the task's log lines carry the
  id of the request that queued it;
* into websocket consumers: ``RequestIdASGIMiddleware`` gives each
  connection an id (the proxy's ``X-Request-ID`` when it looks like one) for
  everything the consumer logs.
"""

import logging
import re
from typing import Any

from celery import signals as celery_signals

from .request_context import current_request_id, new_request_id, request_id_var

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "canopy_request_id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_task_tokens: dict[str, Any] = {}


@celery_signals.before_task_publish.connect(weak=False)
def _request_id_into_message(headers: dict | None = None, **kwargs) -> None:
    if headers is None:
        return
    request_id = current_request_id()
    if request_id != "-":
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@celery_signals.task_prerun.connect(weak=False)
def _request_id_from_message(task_id: str, task, **kwargs) -> None:
    # Custom message headers appear as attributes of task.request.
    incoming = getattr(task.request, REQUEST_ID_HEADER, None)
    if not (isinstance(incoming, str) and _VALID_REQUEST_ID.match(incoming)):
        incoming = current_request_id()
        if incoming == "-":  # beat or a shell: the task id is the best handle
            incoming = task_id
    _task_tokens[task_id] = request_id_var.set(incoming)
    # One line per run, under the request's id: grep a request, see its tasks.
    logger.info("task %s started", task.name, extra={"task_id": task_id})


@celery_signals.task_postrun.connect(weak=False)
def _request_id_reset(task_id: str, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:
            # Set in another context (thread pools): leave it to the next task.
            request_id_var.set("-")


class RequestIdASGIMiddleware:
    """Gives each websocket connection a request id for its whole life.

    The id is in ``scope["request_id"]`` for consumers that want to echo it,
    and in the ContextVar every log line reads; coroutines and the threads of
    ``database_sync_to_async`` inherit it.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        # HTTP gets its id from the Django middleware; only sockets need this.
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        incoming = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else new_request_id()
        scope = {**scope, "request_id": request_id}
        token = request_id_var.set(request_id)
        try:
            return await self.app(scope, receive, send)
        finally:
            request_id_var.reset(token)


def sentry_init(
    *, dsn: str, environment: str, release: str, traces_sample_rate: float
) -> None:
    """Errors (and a sample of traces) to Sentry; Django, Celery, Redis and
    logging integrations switch themselves on when the packages are there."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        before_send=_sentry_tag_request_id,
    )


def _sentry_tag_request_id(event: dict, hint: dict) -> dict:
    # The same id is in the JSON logs: one search finds both.
    event.setdefault("tags", {})["request_id"] = current_request_id()
    return event
