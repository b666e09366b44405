# boernedata: two commands do all set-up on a machine with python3 and make.
#   make demo   generate a tiny synthetic municipality, land it, build the warehouse, render data packages
#   make test   linters, Python tests and `dbt build` (models, data tests, unit tests) on synthetic data
#   make dashboard   the dashboard on the demo warehouse (runs `make demo` first when nothing is published)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: demo test lint pytest install browser docs dashboard clean test-engines

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

demo: $(STAMP)
	@rm -rf data/raw data/landing
	$(BIN)/boernedata generate --scale tiny --seed 42 --out data/raw --truth data/truth.json
	$(BIN)/boernedata land --demo --raw data/raw --landing data/landing
	$(BIN)/boernedata build --landing data/landing --warehouse warehouse/boernedata.duckdb
	$(BIN)/boernedata datapakke --warehouse warehouse/published/boernedata.duckdb --out reports/datapakker
	@echo
	@echo "Internal warehouse (data team):    $(CURDIR)/warehouse/boernedata.duckdb"
	@echo "Published marts (BI tools):        $(CURDIR)/warehouse/published/boernedata.duckdb"
	@echo "Published Parquet (BI tools):      $(CURDIR)/warehouse/published/<table>/"
	@echo "Data packages (datapakker):        $(CURDIR)/reports/datapakker/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/lint_sql.py

# Two workers (pytest-xdist): one test at a time kept 56 % of the two cores busy (dbt's Python is mostly
# single-threaded at the test data's size); two kept 94 %. The work units (pytests/conftest.py) keep
# each session pipeline and each file's fixtures on one worker.
# pytest stays at 9.1 in requirements.lock: xdist 3.8 groups by renaming node ids, which 9.2 ignores.
pytest: $(STAMP) browser
	$(BIN)/pytest --numprocesses 2 --dist loadgroup --no-loadscope-reorder

test: lint pytest

# The same project on PostgreSQL and Spark (docs/engines.md): the engine packages (not in `make install`,
# so `make test` and CI stay fast), Debian's OpenJDK for Spark, the project-local PostgreSQL server.
test-engines: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-engines.lock
	@command -v java >/dev/null 2>&1 || scripts/install_java.sh
	scripts/postgres.sh start
	$(BIN)/pytest -m engines pytests/test_engines.py

# The browser tests need Chromium; it comes from Debian's packages (no browser downloads), with jemalloc
# for the data packages' typesetting workers.
browser:
	@scripts/install_chromium.sh

# The dashboard on the demo warehouse's publication (run `make demo` first): http://127.0.0.1:8050/
dashboard: $(STAMP)
	@test -e warehouse/published/boernedata.duckdb || $(MAKE) demo
	$(BIN)/boernedata dashboard --warehouse warehouse/published/boernedata.duckdb --datapakker reports/datapakker

# The dbt docs site of the demo warehouse (run `make demo` first): one self-contained HTML file.
docs: $(STAMP)
	$(BIN)/dbt docs generate --static --target-path target/docs --log-path target/docs/logs
	@echo "dbt docs: $(CURDIR)/target/docs/static_index.html"

clean:
	rm -rf target logs data warehouse reports artifacts
