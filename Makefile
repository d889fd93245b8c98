# Two entry points: `make run` and `make test`. Both create .venv with the pinned packages when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Runtime packages (requirements.lock) for `make run`; development tools (requirements-dev.lock) added for test/lint.
RUNTIME_HASH := $(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
DEV_HASH := $(shell cat requirements.lock requirements-dev.lock pyproject.toml | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(RUNTIME_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)
SPARK_HASH := $(shell cat requirements.lock requirements-dev.lock requirements-spark.lock pyproject.toml | sha256sum | cut -c1-12)
SPARK_STAMP := $(VENV)/.installed-spark-$(SPARK_HASH)

.PHONY: run test test-spark java lint build clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

# dbt-spark and PySpark (requirements-spark.lock) on top of the development packages, for the Spark parity group.
$(SPARK_STAMP): $(DEV_STAMP) requirements-spark.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock
	@rm -f $(VENV)/.installed-spark-*
	@touch $@

run: $(STAMP)
	$(BIN)/python scripts/run.py

# The whole suite, the Spark parity group included (it fits CI's time limit: about 10 minutes of the run).
test: $(SPARK_STAMP) java
	@# The browser test drives Debian's chromium through chromium-driver (selenium never downloads a browser).
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver)
	$(BIN)/ruff check src scripts tests
	$(BIN)/ruff format --check src scripts tests
	$(BIN)/mypy
	$(BIN)/sqlfluff lint models macros tests/singular --processes 2
	$(BIN)/python -m pytest -m "spark or not spark"

# The Spark parity group alone: the embedded data built on a local Apache Spark and compared with DuckDB, mart by
# mart (README "Outgrowing one machine").
test-spark: $(SPARK_STAMP) java
	$(BIN)/python -m pytest -m spark -s tests/python/test_spark_parity.py

# dbt-spark's session method starts PySpark in-process, which needs Java 17 (Debian's default-jre-headless).
java:
	command -v java >/dev/null || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y default-jre-headless)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src scripts tests
	$(BIN)/ruff format --check src scripts tests
	$(BIN)/mypy
	$(BIN)/sqlfluff lint models macros tests/singular --processes 2

clean:
	rm -rf warehouse target logs
