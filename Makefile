# Gaoling: every target installs what it needs and skips what is already there.
#   make demo   the whole platform story on a local anvil and the local IPFS store
#   make test   the whole test suite
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
	@echo "make bench  measure gas and throughput against peers, write BENCHMARKS.md"
	@echo "make clean  remove build output and local chain data (keeps .venv and node_modules)"

setup: $(PIP_STAMP) $(NPM_STAMP) $(SOLC)

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
	rm -rf contracts/.cache
	$(APE) run demo --verbosity WARNING

# Three sessions. The deploy and fork suites drive the deploy engine against chains whose history
# other suites have rewritten with snapshot reverts (same deployer, same nonces, so the same
# contract addresses); in one session with them, the engine's role reads after a deploy revert. In
# a session of their own, as the engine always runs in production, they pass. The fork suite also
# points Ape at upstream and fork anvils of its own.
#
# Ape copies dependency sources into contracts/.cache while compiling; a later process that finds
# that folder but a build made without it sees no project contracts at all. It is a scratch copy
# (node_modules holds the real sources), so it is removed before each session.
test: setup
	rm -rf contracts/.cache
	$(APE) test tests --ignore=tests/deploy --ignore=tests/fork --ignore=tests/security --ignore=tests/static $(PYTEST_ARGS)
	rm -rf contracts/.cache
	$(APE) test tests/deploy $(PYTEST_ARGS)
	rm -rf contracts/.cache
	$(APE) test tests/fork $(PYTEST_ARGS)
	rm -rf contracts/.cache
	$(APE) test tests/security tests/static $(PYTEST_ARGS)

bench: setup
	rm -rf contracts/.cache
	$(APE) run bench --verbosity WARNING

clean:
	rm -rf .build .cache/gaoling-demo
