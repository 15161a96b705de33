PY ?= python3

.PHONY: install example test lint bench clean

install:            ## install the package with test dependencies
	$(PY) -m pip install -e '.[test]'

example:            ## the main job: build, refresh and report the MPP 2024-2 example into out/
	mkdir -p out
	$(PY) -m mpp_xl build workbooks/MPP_2024-2_aannames.csv -o out/mpp_2024_2.xlsm --overschrijf --realisaties workbooks/realisaties_voorbeeld.csv
	$(PY) -m mpp_xl refresh out/mpp_2024_2.xlsm
	$(PY) -m mpp_xl run out/mpp_2024_2.xlsm --csv out/uitkomsten.csv
	$(PY) -m mpp_xl uncertainty out/mpp_2024_2.xlsm --draws 10000 --csv out/banden.csv
	$(PY) -m mpp_xl report out/mpp_2024_2.xlsm -o out/rapport.pdf --png-dir out/grafieken
	$(PY) -m mpp_xl status out/mpp_2024_2.xlsm

test:               ## the test suite (what CI runs)
	$(PY) -m pytest -q

lint:
	$(PY) -m ruff check mpp_xl udfs tests

bench:              ## speed figures (run on demand, not part of the tests)
	$(PY) benchmarks/run.py

clean:
	rm -rf out build *.egg-info .pytest_cache
