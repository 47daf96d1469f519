# Reclaim: two commands do everything on a fresh machine.
#   make run    set up, train if the data changed, start both servers, print where to talk to the bot
#   make test   lint and type-check, validate the data and run every test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_VENV    := .venv/rasa
ACTIONS_VENV := .venv/actions
RASA         := $(RASA_VENV)/bin/rasa
RASA_PY      := $(RASA_VENV)/bin/python
ACTIONS_PY   := $(ACTIONS_VENV)/bin/python
# Loads .env over .env.example for every recipe line that needs settings.
ENV          := source scripts/env.sh &&
MODEL        := models/reclaim.tar.gz
CV_REPORT    := results/cv/intent_report.json
# axe-core for the browser tests' accessibility scans, pinned in package-lock.json.
NODE_MODULES := node_modules/.installed
# What the model is trained from: a change to any of these retrains it.
TRAINING_INPUTS := config.yml data/nlu/questions.yml $(shell find bot/domain bot/components data/nlu data/rules data/stories data/safety -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)
# The questions' training examples are written from data/faq (the one source of each question).
QUESTIONS_NLU := data/nlu/questions.yml

.PHONY: help system-deps install lint format run chat train validate test clean-results test-unit test-nlu test-stories test-e2e test-browser nlu-cv nlu-heldout questions-nlu record-stories law-review check-links load-directory audit dashboard-token clean bench

help:
	@echo "make run     set up, train if needed, start the bot and print where to talk to it"
	@echo "make test    validate the data and run all tests (what CI runs)"
	@echo "make test-browser  the chat widget in headless Chromium (mock channel and the real servers)"
	@echo "make train   retrain the model if its inputs changed"
	@echo "make lint    ruff (lint and format check) and mypy on both Python environments (part of make test)"
	@echo "make format  apply ruff's formatter and safe fixes"
	@echo "make chat    talk to a running bot in this terminal"
	@echo "make nlu-heldout  measure the model on the held-out messages (tests/nlu/heldout) and write results/nlu-heldout"
	@echo "make questions-nlu  rewrite data/nlu/questions.yml from the questions in data/faq"
	@echo "make nlu-cv  cross-validate the NLU model and write results/cv"
	@echo "make law-review  list law and service entries not reviewed in six months"
	@echo "make load-directory  load data/services and data/platforms into the database (DATABASE_URL); ARGS=--prune also deletes entries gone from the YAML"
	@echo "make check-links  check every URL in data/ (needs the internet; not part of CI)"
	@echo "make purge-conversations  delete conversations idle for CONVERSATION_RETENTION_HOURS (the server also does it on its own)"
	@echo "make audit   pip-audit both Python environments (needs the internet; not part of CI)"
	@echo "make bench   speed, capacity and memory on this machine vs the stock bot (about 10 minutes; not part of CI)"
	@echo "make dashboard-token  a new figures-dashboard token for a charity, and the hash for its tenant file"

install: $(RASA_VENV)/.installed $(ACTIONS_VENV)/.installed

# The Rasa server needs Python 3.10; its pins (packaging<21, SQLAlchemy<1.5) are held by constraints.txt.
$(RASA_VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt scripts/find-python.sh
	scripts/make-venv.sh "$$(scripts/find-python.sh 3.10)" $(RASA_VENV) requirements-dev.txt constraints.txt
	@touch $@

$(ACTIONS_VENV)/.installed: actions/requirements.txt actions/requirements-dev.txt actions/constraints.txt scripts/find-python.sh
	scripts/make-venv.sh "$$(scripts/find-python.sh 3.12 3.11)" $(ACTIONS_VENV) actions/requirements-dev.txt actions/constraints.txt
	@touch $@

# Lint, format and type-check: ruff (pyproject.toml) on each environment's code with that environment's ruff
# (the same version in both), and mypy with each environment's Python. The tests are linted, not type-checked.
RASA_CODE    := bot bench scripts tests/bot tests/understanding $(wildcard tests/*.py)
ACTIONS_CODE := actions tests/actions tests/integration tests/browser
RASA_TYPED   := bot bench scripts/build_question_nlu.py scripts/evaluate_nlu.py scripts/record_stories.py
ACTIONS_TYPED := actions scripts/chat.py scripts/check_links.py scripts/law_review.py scripts/test_summary.py \
  scripts/servers.py scripts/serve_demo.py

lint: install
	$(RASA_VENV)/bin/ruff check $(RASA_CODE)
	$(ACTIONS_VENV)/bin/ruff check $(ACTIONS_CODE)
	$(RASA_VENV)/bin/ruff format --check $(RASA_CODE)
	$(ACTIONS_VENV)/bin/ruff format --check $(ACTIONS_CODE)
	$(RASA_VENV)/bin/mypy $(RASA_TYPED)
	$(ACTIONS_VENV)/bin/mypy $(ACTIONS_TYPED)

# Rewrites the code in place: the formatter, then ruff's safe fixes (import order, pyupgrade...).
format: install
	$(RASA_VENV)/bin/ruff format $(RASA_CODE)
	$(ACTIONS_VENV)/bin/ruff format $(ACTIONS_CODE)
	$(RASA_VENV)/bin/ruff check --fix $(RASA_CODE)
	$(ACTIONS_VENV)/bin/ruff check --fix $(ACTIONS_CODE)

train: $(MODEL)

$(QUESTIONS_NLU): $(wildcard data/faq/*.yml) scripts/build_question_nlu.py $(RASA_VENV)/.installed
	$(RASA_PY) scripts/build_question_nlu.py

questions-nlu:
	$(RASA_PY) scripts/build_question_nlu.py

$(MODEL): $(TRAINING_INPUTS) $(RASA_VENV)/.installed
	@# One training at a time: two writing the same model file would corrupt it.
	@mkdir -p models
	$(ENV) flock models/.train.lock $(RASA) train --config config.yml --domain bot/domain --data data/nlu data/rules data/stories \
	  --out models --fixed-model-name reclaim --force

run: install $(MODEL) load-directory
	scripts/run.sh

chat: $(ACTIONS_VENV)/.installed
	$(ENV) $(ACTIONS_PY) scripts/chat.py

validate: $(RASA_VENV)/.installed
	$(ENV) $(RASA) data validate --fail-on-warnings --config config.yml --domain bot/domain --data data/nlu data/rules data/stories

# Unit tests: the action server's code on its own Python, and the code that runs inside the Rasa server on 3.10.
test-unit: install
	$(RASA_PY) scripts/build_question_nlu.py --check
	$(ENV) $(ACTIONS_PY) -m pytest -q tests/actions --junitxml=results/junit/actions.xml
	$(ENV) $(RASA_PY) -m pytest -q tests/bot --junitxml=results/junit/bot.xml

# The NLU measured on held-out messages it never saw (tests/nlu/heldout): fails below the targets in
# scripts/evaluate_nlu.py (macro F1, crisis recall, sad messages escalated, out of scope, every question).
test-nlu: $(MODEL)
	$(ENV) $(RASA_PY) -m pytest -q tests/understanding --junitxml=results/junit/nlu.xml

nlu-heldout: $(MODEL)
	$(ENV) $(RASA_PY) -W ignore -m scripts.evaluate_nlu --model $(MODEL)

# Test stories read through NLU (plain 'rasa test', not 'rasa test core', which ignores the user's words).
test-stories: $(MODEL)
	$(ENV) $(RASA) test --model $(MODEL) --stories tests/ --nlu tests/nlu --fail-on-prediction-errors --out results/stories

# The real action server and the real Rasa server, started by the test, holding conversations over HTTP.
test-e2e: install $(MODEL)
	$(ENV) $(ACTIONS_PY) -m pytest -q tests/integration --junitxml=results/junit/integration.xml

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The chat widget in headless Chromium (/usr/bin/chromium, driven by Playwright): against a mock of the
# widget channel, then against the real Rasa and action servers. Screenshots go to results/screenshots.
test-browser: system-deps install $(MODEL) $(NODE_MODULES)
	$(ENV) $(ACTIONS_PY) -m pytest -q tests/browser --junitxml=results/junit/browser.xml

# Chromium, nginx, PostgreSQL and Redis: found, started or installed first (scripts/system-deps.sh).
system-deps:
	scripts/system-deps.sh

test: system-deps lint clean-results validate test-unit test-nlu test-stories test-e2e test-browser
	@$(ACTIONS_PY) scripts/test_summary.py results

# Re-records tests/test_conversations.yml from tests/conversations.yml. Needs `make run` in another terminal.
record-stories: install $(MODEL)
	$(ENV) $(RASA_PY) -m scripts.record_stories

# Law and numbers change: list what has not been checked for six months.
law-review: $(ACTIONS_VENV)/.installed
	$(ACTIONS_PY) scripts/law_review.py

# Services and laws move their pages: check every URL in data/. Needs the internet, so not part of `test`.
check-links: $(ACTIONS_VENV)/.installed
	$(ENV) $(ACTIONS_PY) scripts/check_links.py

# Known vulnerabilities in both environments (pip-audit in its own .venv/audit). Needs the internet, so
# not part of `test`. Findings: docs/security/audit.md.
audit: install
	scripts/audit.sh

# The service directory: the YAML in data/services and data/platforms into DATABASE_URL. Safe to repeat.
load-directory: $(ACTIONS_VENV)/.installed
	$(ENV) $(ACTIONS_PY) -m actions.directory.load $(ARGS)

# Deletes every conversation with no activity for CONVERSATION_RETENTION_HOURS from TRACKER_DB. The running
# Rasa server does this itself every PURGE_INTERVAL_MINUTES; this is for cron, or to purge at once.
purge-conversations: $(RASA_VENV)/.installed
	$(ENV) $(RASA_PY) -W ignore::DeprecationWarning -m bot.retention

# A new access token for a charity's figures dashboard (bot/channels/dashboard.py) and the SHA-256 line for
# its file in data/tenants/. The token is printed once and stored nowhere.
dashboard-token: $(RASA_VENV)/.installed
	$(RASA_PY) -m bot.metrics.auth

clean-results:
	rm -rf results/junit results/stories results/screenshots results/nlu-heldout

# Speed, capacity and memory on this machine, against the stock `rasa init` bot: bench/README.md. Trains its
# own model from a cold cache and starts its own servers on free ports (PostgreSQL and Redis must be running).
# Writes bench/results.json and bench/results.png. ARGS, e.g. ARGS="--seconds 10 --levels 1,10".
bench: install $(CV_REPORT)
	$(ENV) $(RASA_PY) -W ignore -m bench.run $(ARGS)

# The NLU cross-validation report the benchmark quotes, redone when the NLU data or config change.
$(CV_REPORT): config.yml $(shell find data/nlu bot/components -type f 2>/dev/null) $(RASA_VENV)/.installed
	$(MAKE) nlu-cv

nlu-cv: $(RASA_VENV)/.installed
	$(ENV) $(RASA) test nlu --cross-validation --folds 5 --runs 1 --config config.yml \
	  --nlu data/nlu --domain bot/domain --out results/cv --successes

clean:
	rm -rf results models/*.tar.gz .pytest_cache
