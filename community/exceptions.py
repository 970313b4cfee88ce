"""Expected chat failures; ``code`` is one of the contract's error codes."""


class ChatError(Exception):
    def __init__(self, code: str, detail: str, *, retry_after: float | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after

    def frame(self) -> dict:
        frame = {"type": "error", "code": self.code, "detail": self.detail}
        if self.retry_after is not None:
            frame["retry_after"] = round(self.retry_after, 1)
        return frame
