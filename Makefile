# The two commands a fresh clone needs:   make synth   (main job)   and   make test
# Everything else bootstraps itself from the lock files: a pinned uv in .tools/ (never the
# global interpreter), .venv, .venv-checkov, and node_modules only for the cdktf CLI targets.

SHELL := /bin/bash
PYTHON ?= python3
# uv is pinned and always the project's own copy, whatever is on PATH: the same bootstrap on
# every machine. `python -m uv` is never used: it installs into the interpreter that launched it.
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
UV_DEP := $(TOOLS)/uv/.installed-$(UV_VERSION)
PHASE ?= bash scripts/phase
PY := .venv/bin/python
CHECKOV_PY := .venv-checkov/bin/python
# TOOLCHAIN=cdktn: synthesize with CDK Terrain from its own locked venv (toolchains/cdktn, issue #23).
TOOLCHAIN ?= cdktf
CDKTN_PY := .venv-cdktn/bin/python
OUT ?= $(if $(filter cdktn,$(TOOLCHAIN)),cdktn.out,cdktf.out)
POLICY_OUT ?= $(OUT)
ENV ?=
STACK ?=

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export UV_LINK_MODE := copy
# uv must use the machine's python3 and never download an interpreter of its own.
export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: all synth synth-only validate lint lint-ci typecheck format test gate gate-synth gate-test policy tf-validate review cost diagram \
        snapshot-update schema install install-node plan deploy cli-synth bench bench-install plan-json deploy-env \
        bootstrap-state toolchain-report clean

all: synth

# ---- installation (stamp files make these no-ops when nothing changed) ----------------------
$(UV_DEP):
	@rm -rf $(TOOLS)/uv
	@$(PHASE) install-uv bash -c '$(PYTHON) -m venv $(TOOLS)/uv && $(TOOLS)/uv/bin/python -m pip install --quiet uv==$(UV_VERSION)'
	@touch $@

.venv/.installed: pyproject.toml uv.lock $(UV_DEP) scripts/compile_imported.py stacks/binding_checks.py
	@$(PHASE) install-venv $(UV) sync --quiet --frozen --python $(PYTHON) --no-compile-bytecode
	@$(PHASE) compile $(PY) scripts/compile_imported.py
	@touch $@

.venv-checkov/.installed: policies/requirements.lock $(UV_DEP)
	@$(UV) venv --quiet --allow-existing --python $(PYTHON) .venv-checkov
	@$(PHASE) install-checkov $(UV) pip install --quiet --compile-bytecode --python $(CHECKOV_PY) -r policies/requirements.lock
	@touch $@

# The CDK Terrain toolchain: a second project locked on its own, never mixed into .venv.
.venv-cdktn/.installed: toolchains/cdktn/pyproject.toml toolchains/cdktn/uv.lock $(UV_DEP)
	@$(PHASE) install-cdktn env UV_PROJECT_ENVIRONMENT=$(CURDIR)/.venv-cdktn $(UV) sync --quiet --frozen \
	  --project toolchains/cdktn --python $(PYTHON) --no-compile-bytecode
	@touch $@

node_modules/.installed: package.json package-lock.json
	@$(PHASE) install-node npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: .venv/.installed .venv-checkov/.installed

install-node: node_modules/.installed

# ---- the main job: validate, synthesize, policy gate, review --------------------------------
synth: synth-only policy review
	@echo "==> outputs: plans in $(OUT)/stacks/, policy gate in policy-results/, review in review.md"

ifeq ($(TOOLCHAIN),cdktn)
synth-only: .venv-cdktn/.installed
	@$(PHASE) synth-cdktn $(CDKTN_PY) -m stacks synth --toolchain cdktn --out $(OUT) $(if $(ENV),--env $(ENV))
else
synth-only: .venv/.installed
	@$(PHASE) synth $(PY) -m stacks synth --out $(OUT) $(if $(ENV),--env $(ENV))
endif

# cdktf.out against cdktn.out (make synth-only; make synth-only TOOLCHAIN=cdktn): what moving to
# CDK Terrain changes, stack by stack, with the provider changelog reasons (toolchain-report.md).
# The comparison is standard-library Python: it runs in either venv (here the cdktn one, so CI
# installs one toolchain for it).
toolchain-report: .venv-cdktn/.installed
	@$(PHASE) compare $(CDKTN_PY) -m toolchains.compare cdktf.out cdktn.out --output toolchain-report.md

validate: .venv/.installed
	$(PY) -m stacks validate

policy: .venv-checkov/.installed
	@$(PHASE) policy $(CHECKOV_PY) policies/run.py --out $(POLICY_OUT) \
	  --junit policy-results/junit.xml --sarif policy-results/policy.sarif --json policy-results/policy.json

# terraform init -backend=false + validate per stack, providers from a filesystem mirror (TF_MIRROR,
# default /opt/tf-plugins); stacks whose pinned providers are missing are skipped by name.
# TF_VALIDATE_ARGS=--registry lets terraform download them (CI).
TF_MIRROR ?= /opt/tf-plugins
tf-validate: .venv/.installed
	@$(PHASE) tf-validate $(PY) policies/tf_validate.py --out $(POLICY_OUT) $(or $(TF_VALIDATE_ARGS),--mirror $(TF_MIRROR))

# Review: the synthesized plan against the approved one (the committed snapshots), or two
# directories (BASE_OUT, HEAD_OUT), or a git ref (BASE) synthesized in a temporary worktree, or
# real plans (PLAN_DIR: one `terraform show -json` file per stack, exact actions). Writes the PR
# comment (review.md, < 60,000 characters) and the full report (review-full.md, the CI artifact).
# After `make synth-only ENV=prod` only prod is compared.
review: .venv/.installed
	@$(PHASE) review $(PY) -m review $(if $(PLAN_DIR),--plan-dir $(PLAN_DIR),$(if $(BASE),--base $(BASE),--base-out $(if $(BASE_OUT),$(BASE_OUT),tests/snapshots/__snapshots__/test_snapshots)) \
	  $(if $(HEAD_OUT),--head-out $(HEAD_OUT),$(if $(BASE),,--head-out $(OUT)))) --output review.md --full-output review-full.md

# Cost: monthly list-price cost per environment and stack at min and max scale, offline, from the
# synthesized plan ($(OUT)) and the dated price table cost/prices.yaml; lists every assumption and
# every missing price. `make cost ENV=prod`; COST_FLAGS=--lines prints every priced line.
cost: .venv/.installed
	@$(PHASE) cost $(PY) -m cost --out $(OUT) $(if $(ENV),--env $(ENV)) $(COST_FLAGS)

# Topology pictures (Mermaid) drawn from the synthesized plan: docs/diagrams/<env>.md and the
# prod picture between the README's topology markers. A test fails when they are stale.
diagram: synth-only
	@$(PHASE) diagram $(PY) -m diagram --out $(OUT)

# ---- lint and tests --------------------------------------------------------------------------
lint: .venv/.installed
	@$(PHASE) lint bash -c '$(PY) -m ruff format --check --quiet . && $(PY) -m ruff check --quiet .'

# GitHub Actions security lint: zizmor (pinned in the dev group) over .github/ (workflows and
# dependabot.yml). Offline and without a token, so it runs wherever `make test` does; any finding
# above informational fails. Accept a finding only inline (`# zizmor: ignore[<audit>]`) with a reason.
ZIZMOR_FLAGS := --offline --strict-collection --min-severity low --no-progress
lint-ci: .venv/.installed
	@$(PHASE) lint-ci env -u GH_TOKEN -u GITHUB_TOKEN -u ZIZMOR_GITHUB_TOKEN .venv/bin/zizmor $(ZIZMOR_FLAGS) .github

# mypy --strict (configuration and the reasons for each override in pyproject.toml). The
# incremental cache (.mypy_cache) makes a warm run take seconds; a cold one about a quarter minute.
typecheck: .venv/.installed
	@$(PHASE) typecheck $(PY) -m mypy

format: .venv/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# One pytest process; the subprocesses the tests need run beside it on the other core
# (tests/background.py).
test: lint lint-ci typecheck .venv/.installed .venv-checkov/.installed node_modules/.installed
	@$(PHASE) test $(PY) -m pytest

# The whole pull-request gate in one command: lint, lint-ci, typecheck, synth of every environment, policy,
# review, and pytest on THAT synth (MCAI_SYNTH_DIR: the session does not synthesize again; see
# tests/conftest.py). The synth runs with its own TMPDIR so the suite can still prove it left
# nothing behind. Each phase prints its time; `make bench` records the whole (bench/README.md).
GATE_TMP := $(OUT).tmp
gate: lint lint-ci typecheck gate-synth policy review gate-test
	@echo "==> gate passed: plans in $(OUT)/stacks/, policy-results/, review.md"

gate-synth: .venv/.installed
	@rm -rf $(GATE_TMP) && mkdir -p $(GATE_TMP)
	@$(PHASE) synth env TMPDIR=$(abspath $(GATE_TMP)) $(PY) -m stacks synth --out $(OUT)

gate-test: .venv/.installed .venv-checkov/.installed node_modules/.installed
	@$(PHASE) test env MCAI_SYNTH_DIR=$(abspath $(OUT)) MCAI_SYNTH_TMPDIR=$(abspath $(GATE_TMP)) \
	  MCAI_POLICY_JSON=$(abspath policy-results/policy.json) $(PY) -m pytest -q

snapshot-update: .venv/.installed
	$(PY) -m pytest tests/snapshots --snapshot-update

schema: .venv/.installed
	$(PY) -m stacks schema

# Imports, floor, synth, growth of generated environments and the whole gate, in one run
# (bench/README.md); BENCH_FLAGS= for the synth rows alone.
BENCH_FLAGS ?= --growth 1,3,6,12 --with-gate
bench: .venv/.installed .venv-checkov/.installed node_modules/.installed
	$(PY) bench/run.py $(BENCH_FLAGS)

# Fresh clone of HEAD -> first `make synth` with an empty uv cache and no uv on PATH, then warm.
bench-install: .venv/.installed
	$(PY) bench/cold_install.py

# ---- real accounts (credentials from the usual environment variables, never files) -----------
plan: .venv/.installed node_modules/.installed
	@test -n "$(STACK)" || { echo "usage: make plan STACK=<stack id> (see cdktf.out/stacks)"; exit 2; }
	ENV=$(word 1,$(subst -, ,$(STACK))) npx cdktf plan $(STACK)

deploy: .venv/.installed node_modules/.installed
	@test -n "$(STACK)" || { echo "usage: make deploy STACK=<stack id>"; exit 2; }
	ENV=$(word 1,$(subst -, ,$(STACK))) npx cdktf deploy $(STACK)

# CI (.github/workflows/ci.yml): plan one synthesized stack with terraform itself and keep the
# plan as JSON (PLAN_DIR/<stack>.json, `terraform show -json`), so what is planned is exactly
# the artefact the tests, policy gate and review checked. PLAN_DIR has no global default: set,
# it switches `make review` to real plans, so plain `make synth` must never see it.
plan-json:
	@test -n "$(STACK)" || { echo "usage: make plan-json STACK=<stack id> [OUT=cdktf.out] [PLAN_DIR=plans]"; exit 2; }
	@mkdir -p $(or $(PLAN_DIR),plans)
	cd $(OUT)/stacks/$(STACK) && terraform init -input=false -no-color \
	  && terraform plan -input=false -no-color -lock-timeout=5m -out=plan.tfplan \
	  && terraform show -json plan.tfplan > $(abspath $(or $(PLAN_DIR),plans))/$(STACK).json

# CI deploy of one environment: every stack with remote state, in dependency order (cdktf),
# never the state stack (local state by design: make bootstrap-state).
deploy-env: .venv/.installed node_modules/.installed
	@test -n "$(ENV)" || { echo "usage: make deploy-env ENV=<env>"; exit 2; }
	ENV=$(ENV) npx cdktf deploy --auto-approve $$(ENV=$(ENV) $(PY) -m stacks synth --env $(ENV) --out $(OUT) > /dev/null \
	  && cd $(OUT)/stacks && for s in $(ENV)-*; do jq -e '.terraform.backend.local == null' $$s/cdk.tf.json > /dev/null && echo $$s; done)

# The environment's state store (stacks/state_stack.py), applied once with local state
# (terraform.<env>-global-state.tfstate at the root, never committed); then prints the backend
# block every other stack of the environment uses. cdktf asks before it applies.
bootstrap-state: .venv/.installed node_modules/.installed
	@test -n "$(ENV)" || { echo "usage: make bootstrap-state ENV=<env> (an environment with an s3, gcs or azurerm backend:)"; exit 2; }
	ENV=$(ENV) npx cdktf deploy $(ENV)-global-state
	@$(PY) -m stacks backend --env $(ENV)

cli-synth: .venv/.installed node_modules/.installed
	npx cdktf synth --output $(OUT)

clean:
	rm -rf $(OUT) cdktn.out toolchain-report.md review.md review-full.md policy-results .pytest_cache .mypy_cache $(OUT).old $(OUT).tmp .synth-*
	find . -name __pycache__ -not -path './.venv*' -not -path './node_modules/*' -prune -exec rm -rf {} +
