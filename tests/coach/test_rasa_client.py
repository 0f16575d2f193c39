"""The coach service's client for Rasa's HTTP API: a JWT in the Authorization header, never a token in the URL."""

import base64
import hashlib
import hmac
import json
import time

from coach import rasa


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def rasa_jwt_payload(authorization: str, secret: str) -> dict:
    """The payload of a `Bearer` HS256 JWT, after checking its signature with `secret` (as PyJWT would)."""
    scheme, token = authorization.split(" ")
    assert scheme == "Bearer"
    header, payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(_b64decode(signature), expected)
    assert json.loads(_b64decode(header)) == {"alg": "HS256", "typ": "JWT"}
    return json.loads(_b64decode(payload))


def test_the_token_is_an_hs256_jwt_with_the_admin_role_and_a_short_life():
    payload = rasa_jwt_payload(rasa.auth_headers("s3cret")["Authorization"], "s3cret")
    assert payload["user"]["role"] == "admin"
    assert 0 < payload["exp"] - time.time() <= rasa.TOKEN_LIFETIME_SECONDS


def test_erasure_sends_the_token_in_the_header_only(fake_server):
    rasa_url, server = fake_server
    assert rasa.erase_conversation(rasa_url, "s3cret", "conv 1/2")
    [call] = server.calls
    assert call["path"] == "/conversations/conv%201%2F2/tracker/events" and call["query"] == {}
    assert rasa_jwt_payload(call["authorization"], "s3cret")["user"]["role"] == "admin"


def test_without_a_secret_nothing_is_sent(fake_server, caplog):
    rasa_url, server = fake_server
    assert not rasa.erase_conversation(rasa_url, "", "conv-1")
    assert server.calls == [] and "no secret" in caplog.text
