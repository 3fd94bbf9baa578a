# Gaoling: every target installs what it needs and skips what is already there.
#   make demo   the whole platform story on a local anvil and the local IPFS store
#   make test   the whole test suite
#   make serve  the platform, its service and the collector page on a local chain
#   make bench  gas and throughput, side by side with the named peers -> BENCHMARKS.md
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PYTHON      := $(VENV)/bin/python
APE         := $(VENV)/bin/ape
SOLC_VERSION := 0.8.37
SOLCX_DIR   := $(VENV)/solcx
SOLC        := $(SOLCX_DIR)/solc-v$(SOLC_VERSION)

# ape-solidity finds the compiler through py-solc-x's SOLCX_BINARY_PATH; anvil comes from npm.
export SOLCX_BINARY_PATH := $(CURDIR)/$(SOLCX_DIR)
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export PYTHONUNBUFFERED := 1

PIP_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed

.PHONY: help setup demo test bench clean lint

help:
	@echo "make demo   run the platform story on a local anvil and the local IPFS store"
	@echo "make test   run the whole test suite"
	@echo "make serve  the platform, its service and the collector page on http://127.0.0.1:8000 (local chain)"
	@echo "make bench  measure gas and throughput against peers, write BENCHMARKS.md"
	@echo "make clean  remove build output and local chain data (keeps .venv and node_modules)"

setup: deps web

# The installs, then the dependency-source links of gaoling/dependency_links.py.
.PHONY: deps
deps: $(PIP_STAMP) $(NPM_STAMP) $(SOLC)
	@$(PYTHON) -c "from gaoling.dependency_links import link_dependency_sources as l; l()"

# The collector page's browser bundle: the ABIs and the revert table generated from the compiled
# contracts, then esbuild (npm). Rebuilt only when a source, a catalogue or a contract changed.
WEB_BUNDLE  := gaoling/web/static/app.js
WEB_SOURCES := gaoling/web/build.py $(shell find gaoling/web/src gaoling/web/messages -type f -not -path '*/generated/*' 2>/dev/null) \
               $(shell find contracts interfaces -name '*.sol' -not -path 'contracts/.cache/*' 2>/dev/null)
.PHONY: web chromium serve
web: $(WEB_BUNDLE)
$(WEB_BUNDLE): $(WEB_SOURCES) | deps
	$(APE) compile --verbosity WARNING
	$(PYTHON) -m gaoling.web.build

# Debian's Chromium for the browser tests (never a browser downloaded by Playwright).
chromium:
	@if [ -x /usr/bin/chromium ] && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; \
	else echo "The browser tests need Debian's chromium: run  sudo apt-get install -y chromium fonts-wqy-microhei"; exit 1; fi

$(PIP_STAMP): pyproject.toml requirements.lock
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@# So that `source .venv/bin/activate` gives a shell where `ape` finds solc and anvil.
	@grep -q SOLCX_BINARY_PATH $(VENV)/bin/activate || printf '\nexport SOLCX_BINARY_PATH="%s"\nexport PATH="%s:$$PATH"\n' \
		"$(CURDIR)/$(SOLCX_DIR)" "$(CURDIR)/node_modules/.bin" >> $(VENV)/bin/activate
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SOLC): tools/solc-adapter.cjs $(NPM_STAMP) | $(PIP_STAMP)
	@mkdir -p $(SOLCX_DIR)
	@ln -sf $(CURDIR)/tools/solc-adapter.cjs $@
	@$@ --version | grep -q "Version: $(SOLC_VERSION)+commit" || { echo "solc adapter does not report $(SOLC_VERSION)"; exit 1; }

demo: setup
	$(APE) run demo --verbosity WARNING

# The suite runs as separate `ape test` sessions, each with its own anvil and its own pytest temp dir.
# The stale-cache test goes first and alone: it puts contracts/.cache into the stale state on purpose
# (issue 12 §1), and any other ape process started meanwhile would repair it. The deploy and fork
# suites also need sessions of their own: they drive the deploy engine against chains whose history
# other suites rewrite with snapshot reverts (same deployer and nonces, so the same addresses). The
# rest run two at a time (two cores), longest first so that the two lanes finish close together.
#
# contracts/.cache holds tracked links to node_modules (see gaoling/dependency_links.py): never
# remove it; `make setup` or any `ape run` of ours puts the links back if someone did.
SESSIONS := test-deploy test-core-b test-core-a test-service test-journeys test-crowdfund test-fork \
            test-analytics test-web test-security test-metadata
.PHONY: test test-stale-cache $(SESSIONS)
PYTEST_TMP = --basetemp=$(CURDIR)/.cache/pytest/$@
test-stale-cache $(SESSIONS): | .cache/pytest
.cache/pytest:
	@mkdir -p $@

test: setup
	$(MAKE) --no-print-directory test-stale-cache
	$(MAKE) --no-print-directory -j2 --output-sync=target $(SESSIONS)

test-stale-cache:
	$(APE) test tests/deploy/test_stale_cache.py $(PYTEST_TMP) $(PYTEST_ARGS)
test-deploy:
	$(APE) test tests/deploy --ignore=tests/deploy/test_stale_cache.py $(PYTEST_TMP) $(PYTEST_ARGS)
test-core-a:
	$(APE) test tests/auction tests/cli tests/edition tests/edition_py $(PYTEST_TMP) $(PYTEST_ARGS)
test-core-b:
	$(APE) test tests/fan tests/ipfs tests/quiz tests/voucher $(PYTEST_TMP) $(PYTEST_ARGS)
test-fork:
	$(APE) test tests/fork tests/crowdfund/fork $(PYTEST_TMP) $(PYTEST_ARGS)
test-crowdfund:
	$(APE) test tests/crowdfund --ignore=tests/crowdfund/fork $(PYTEST_TMP) $(PYTEST_ARGS)
test-metadata:
	$(APE) test tests/metadata $(PYTEST_TMP) $(PYTEST_ARGS)
test-journeys:
	$(APE) test tests/journeys $(PYTEST_TMP) $(PYTEST_ARGS)
test-analytics:
	$(APE) test tests/analytics $(PYTEST_TMP) $(PYTEST_ARGS)
test-web: chromium
	$(APE) test tests/web $(PYTEST_TMP) $(PYTEST_ARGS)
test-security:
	$(APE) test tests/security tests/static $(PYTEST_TMP) $(PYTEST_ARGS)
test-service:
	$(APE) test tests/service $(PYTEST_TMP) $(PYTEST_ARGS)

# The platform on a local anvil with the sample catalogue, the service and the page on
# http://127.0.0.1:8000; prints how to add the dev chain to a wallet. Ctrl-C stops everything.
serve: setup
	$(APE) run serve --demo --network ethereum:local:foundry

bench: setup
	$(APE) run bench --verbosity WARNING

clean:
	rm -rf .build .cache/gaoling-demo
