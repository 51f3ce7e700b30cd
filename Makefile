# make run  — set up .venv, migrate the SQLite database, load reference and demo data, serve.
# make test — install what the tests need and run them (SQLite; PostgreSQL with TEST_DATABASE_URL).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := matchmaker.app:create_app

.PHONY: run test lint browser-deps setup css

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	@# setuptools prints a wall of deprecation notices on an editable install: keep pip's errors.
	set -o pipefail; $(BIN)/pip install -q -e '.[dev]' 2>&1 | { grep -v -e '^ *!!' -e 'Deprecat' -e '^ *\*\*\*' -e '^ *$$' -e '^ *#' -e 'See https' -e 'with strategy' -e 'wheel_obj' || true; }
	touch $@

setup: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask demo
	$(BIN)/flask demo-accounts
	@echo "打开 http://$(HOST):$(PORT)/ 登录"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Debian's Chromium and a CJK font for the browser tests (needs root; skipped otherwise).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "注意：未安装 /usr/bin/chromium，浏览器测试将跳过（root 下运行 make browser-deps 安装）"; fi; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .

test: $(VENV)/.installed browser-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Bootstrap trimmed to the classes templates, Python modules and scripts use (assets/README.md).
PURGECSS := .cache/purgecss/node_modules/.bin/purgecss
$(PURGECSS):
	mkdir -p .cache/purgecss && cd .cache/purgecss && npm init -y >/dev/null && npm install --silent purgecss@8.0.0

css: $(PURGECSS)
	$(PURGECSS) --css assets/bootstrap-5.3.9.min.css \
	  --content 'templates/**/*.html' 'matchmaker/**/*.py' 'matchmaker/static/js/*.js' 'matchmaker/static/vendor/**/*.js' \
	  --safelist alert-success alert-danger alert-warning alert-info alert-primary alert-secondary \
	  --output .cache/css/
	mv .cache/css/bootstrap-5.3.9.min.css matchmaker/static/css/bootstrap.min.css
