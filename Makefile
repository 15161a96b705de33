PY ?= python3

.PHONY: install example test lint bench clean

install:            ## install the package with test dependencies
	$(PY) -m pip install -e '.[test]'

example:            ## the main job: build, refresh and report the MPP 2024-2 example
	$(PY) -m mpp_xl run workbooks/MPP_2024-2_aannames.csv --csv out/uitkomsten.csv

test:               ## the test suite (what CI runs)
	$(PY) -m pytest -q

lint:
	$(PY) -m ruff check mpp_xl udfs tests

bench:              ## speed figures (run on demand, not part of the tests)
	$(PY) benchmarks/run.py

clean:
	rm -rf out build *.egg-info .pytest_cache
