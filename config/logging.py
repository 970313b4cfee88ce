import logging

from .request_context import current_request_id


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request (or task) it belongs to."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
