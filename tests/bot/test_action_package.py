"""`bot/actions/` holds actions and nothing else, and the action server still finds every one the domain names.

The libraries the actions use live in `bot/intake/` and `bot/delivery/`; rasa_sdk imports every module of
`bot.actions` and registers each Action subclass it finds, exactly as `bot/action_server.py` asks it to.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import yaml
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import bot.actions
from tests.bot.conftest import ROOT


def own_actions(module_name: str) -> list[type]:
    module = importlib.import_module(module_name)
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Action) and cls.__module__ == module_name
    ]


def domain_actions() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        names.update(yaml.safe_load(path.read_text("utf-8")).get("actions") or [])
    return names


def test_every_module_in_bot_actions_defines_an_action():
    modules = [info.name for info in pkgutil.iter_modules(bot.actions.__path__, "bot.actions.")]
    assert modules
    assert [name for name in modules if not own_actions(name)] == []


def test_the_action_server_registers_every_action_the_domain_names():
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert domain_actions() <= set(executor.actions)
