"""Erasing a conversation in Rasa's tracker store through Rasa's HTTP API (Rasa 3.6, `rasa/server.py`).

`PUT {RASA_URL}/conversations/{id}/tracker/events?token=...` with an empty list replaces every event, which
removes what the person typed from the tracker store. Bounded by a 5 second timeout; the caller audits whether
it worked. Never raises.
"""

import logging
from urllib.parse import quote

import httpx

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0


def erase_conversation(rasa_url: str, token: str, conversation_id: str) -> bool:
    if not conversation_id:
        return False
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker/events"
    try:
        response = httpx.put(url, params={"token": token}, json=[], timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        logger.warning("tracker erasure failed: %s", type(error).__name__)
        return False
    if response.status_code != 200:
        logger.warning("tracker erasure refused with status %s", response.status_code)
        return False
    return True
