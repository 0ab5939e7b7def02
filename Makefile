# The two commands: `make run` and `make test` (see README.md); `make bench` (and `make soak`) measure (BENCHMARKS.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mails and calendar invites point where `make run` serves (`make run PORT=8000`: http://127.0.0.1:8000),
# unless ZORGTEAM_BASE_URL is set: then it is the address, as in production (behind a proxy, HOST=0.0.0.0).
ZORGTEAM_BASE_URL ?= http://$(HOST):$(PORT)
# The PostgreSQL database the second run of the suite uses; .ci/postgres creates it when it runs the server.
TEST_POSTGRES_URL ?= postgresql+psycopg://zt:zt@127.0.0.1:5432/zt_test

# The compiled English catalog (not committed; built from the .po).
MO := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-sqlite test-postgres system-deps bench soak

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -d translations -l $*

run: $(VENV)/.installed $(MO)
	$(BIN)/python -m zorgteam.keys init
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo --if-empty
	ZORGTEAM_BASE_URL='$(ZORGTEAM_BASE_URL)' $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

system-deps:
	.ci/system-deps

test: $(VENV)/.installed-dev system-deps $(MO)
	$(MAKE) --no-print-directory test-sqlite
	.ci/postgres $(MAKE) --no-print-directory test-postgres TEST_POSTGRES_URL=$(TEST_POSTGRES_URL)

test-sqlite: $(MO)
	@echo "== the suite on SQLite"
	env -u DATABASE_URL ZORGTEAM_REQUIRE_BROWSER=1 $(BIN)/pytest

test-postgres: $(MO)
	@echo "== the suite on PostgreSQL"
	DATABASE_URL=$(TEST_POSTGRES_URL) ZORGTEAM_REQUIRE_BROWSER=1 $(BIN)/pytest

# The benchmark (issue 7): fresh datasets of 1,000 and 10,000 persons (in BENCH_DIR, default /tmp/zorgteam-bench),
# gunicorn, wrk, a 5-minute soak; writes BENCHMARKS.md and bench/results.json. BENCH_ARGS passes options
# (.venv/bin/python -m bench.run --help).
BENCH_ARGS ?=
bench: $(VENV)/.installed $(MO)
	bench/system-deps
	$(BIN)/python -m bench.run $(BENCH_ARGS)

soak: $(VENV)/.installed $(MO)
	bench/system-deps
	$(BIN)/python -m bench.run --only-soak $(BENCH_ARGS)
