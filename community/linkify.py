"""Plain text to safe HTML: escape everything, turn web addresses into links.

The same rule runs in static/community/chat.js for live messages.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINK_REL = "nofollow ugc noopener"
# http(s) addresses up to the next space; trailing punctuation is not part of
# the address ("see https://example.com.").
URL_PATTERN = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def linkify(text: str) -> SafeString:
    parts: list[str] = []
    position = 0
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(TRAILING_PUNCTUATION)
        start, end = match.start(), match.start() + len(url)
        parts.append(escape(text[position:start]))
        parts.append(
            f'<a href="{escape(url)}" rel="{LINK_REL}" target="_blank">{escape(url)}</a>'
        )
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
