"""No message text in any log: a unique canary string goes through every channel, well-formed and malformed,
and afterwards no log file of the three servers and no process's command line contains it."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from pathlib import Path

import httpx
import pytest

from coach.routers.reception import mint_token
from tests.channels.conftest import PUBLIC_WHATSAPP_URL
from tests.channels.people import TelegramPerson, WhatsAppPerson, twilio_signature
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack


def _send_everywhere(stack, provider, credentials, canary: str) -> None:
    rest = f"{stack.rasa_url}/webhooks/rest/webhook"
    web = f"web-{uuid.uuid4()}"
    bodies: list[bytes | dict] = [
        {"sender": web, "message": '/choose_language{"language":"en"}'},
        {"sender": web, "message": f"My name is {canary}"},
        {"sender": web, "message": f"{canary} " * 800},  # too long
        {"sender": web, "message": canary, "metadata": canary},  # metadata not an object
        {"sender": canary, "message": canary},  # wrong sender format
        {"sender": web, "message": canary, "input_channel": "reception", "metadata": {"onthaal_remarks": [canary]}},
        [canary],  # a list
        f'{{"sender": "{web}", "message": "{canary}'.encode(),  # broken JSON
    ]
    for body in bodies:
        if isinstance(body, bytes):
            httpx.post(rest, content=body, headers={"content-type": "application/json"}, timeout=60)
        else:
            httpx.post(rest, json=body, timeout=60)

    desk = f"{stack.rasa_url}/webhooks/reception/webhook"
    token = mint_token("sara", ensure_dotenv()["ONTHAAL_WEBHOOK_SECRET"])
    desk_sender = f"desk-{uuid.uuid4()}"
    httpx.post(desk, json={"sender": desk_sender, "message": canary}, timeout=60)  # no token
    for message in ('/choose_language{"language":"nl"}', f"Ik heet {canary}"):
        metadata = {"onthaal_reception_token": token, "onthaal_remarks": [canary]}
        httpx.post(desk, json={"sender": desk_sender, "message": message, "metadata": metadata}, timeout=60)

    phone = "+3247" + "".join(secrets.choice("0123456789") for _ in range(7))
    whatsapp = WhatsAppPerson(stack.rasa_url, provider, credentials["TWILIO_AUTH_TOKEN"], PUBLIC_WHATSAPP_URL, phone)
    whatsapp.say(f"Hallo {canary}")
    whatsapp.say(canary * 200)  # too long
    forged = whatsapp.form(canary)
    whatsapp.post(forged, twilio_signature("wrong", PUBLIC_WHATSAPP_URL, forged))

    telegram = TelegramPerson(
        stack.rasa_url, provider, credentials["TELEGRAM_WEBHOOK_SECRET"], 100_000_000 + secrets.randbelow(10**8), "en"
    )
    telegram.say(f"Hello {canary}")
    telegram.post(telegram.message(text=canary), "wrong-secret")
    httpx.post(telegram.url, content=canary.encode(), headers={"X-Telegram-Bot-Api-Secret-Token": telegram.secret})

    coach = stack.coach_url
    headers = {"webhook-id": f"msg_{canary}", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1,x"}
    httpx.post(f"{coach}/api/v1/intakes", content=json.dumps({"answers": {"name": canary}}), headers=headers)
    httpx.post(f"{coach}/api/v1/intakes", content=canary.encode(), headers={**headers, "webhook-timestamp": "9" * 400})
    httpx.post(f"{coach}/login", data={"username": canary, "password": canary})
    httpx.get(f"{coach}/coach", params={"q": canary})
    httpx.post(f"{stack.actions_url}/webhook", json={"next_action": canary, "sender_id": canary, "tracker": {}})
    httpx.post(f"{stack.actions_url}/webhook", content=canary.encode())


def test_a_canary_sent_through_every_channel_is_in_no_log_and_no_command_line(
    channel_stack, fake_provider, channel_credentials
):
    canary = f"kanarie{secrets.token_hex(6)}"
    _send_everywhere(channel_stack, fake_provider, channel_credentials, canary)
    time.sleep(3)  # let background work (erasure, delivery, reply retries) write what it would write
    logs = sorted(Path(channel_stack.state_dir, "logs").glob("*.log"))
    assert {log.stem for log in logs} >= {"rasa", "actions", "coach"}
    found = [log.name for log in logs if canary.encode() in log.read_bytes()]
    assert not found, f"the canary is in {found}"
    assert not any(canary.encode() in line for line in command_lines())


def command_lines() -> list[bytes]:
    lines = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(path.read_bytes())
        except OSError:  # the process ended meanwhile
            continue
    return lines
