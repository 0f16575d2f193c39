"""Tests of the NLU components (run in the bot environment: .venv-bot/bin/python -m pytest tests/nlu_components)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
