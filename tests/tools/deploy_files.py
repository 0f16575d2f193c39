"""What the deployment tests share: the servers' ports, what a secret looks like, and readers of the Dockerfiles
and of the variables Rasa expands."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ("rasa", "actions", "coach")
PORTS = {"rasa": 5005, "actions": 5055, "coach": 8000}
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (inside a container: reached through its network only)
TMP = "/tmp"  # noqa: S108 (a mount point in the container)
# A setting whose value is a secret, or a URL that carries a password.
SECRET_NAME = re.compile(r"(SECRET|KEYS|TOKEN|PASSWORD|_SID|DATABASE_URL|REDIS_URL)$")
SECRET_VALUE = re.compile(r"whsec_|://[^/\s:@]*:[^/\s@]+@")


def variables_rasa_expands() -> set[str]:
    """The ${VARIABLE}s of Rasa's endpoints and credentials: Rasa does not start when one is unset."""
    text = (ROOT / "bot" / "endpoints.yml").read_text() + (ROOT / "bot" / "credentials.yml").read_text()
    return set(re.findall(r"\$\{([A-Z0-9_]+)\}", text))


def dockerfile_instructions(service: str, final_stage_only: bool = True) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    text = (DEPLOY / "docker" / f"{service}.Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = [tuple(line.split(None, 1)) for line in joined.splitlines() if line.strip()]
    if final_stage_only:
        last_from = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "FROM")
        instructions = instructions[last_from:]
    return [(keyword.upper(), arguments.strip()) for keyword, arguments in instructions]


def dockerfile_env(service: str) -> dict[str, str]:
    env = {}
    for keyword, arguments in dockerfile_instructions(service):
        if keyword == "ENV":
            env.update(pair.split("=", 1) for pair in arguments.split())
    return env


def compose_file() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def environment(service: dict) -> dict[str, str]:
    """A compose service's `environment:`, every value as the text the container gets."""
    return {name: str(value) for name, value in service.get("environment", {}).items()}
