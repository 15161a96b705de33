PY ?= python3

.PHONY: install example test lint bench clean

install:            ## install the package with test dependencies
	$(PY) -m pip install -e '.[test]'

# The example is regenerated from the CSV every time, so the backups that bouw and
# ververs keep in out/.backup/ are of no use: they are removed after the last write.
example:            ## the main job: build, refresh and report the MPP 2024-2 example into out/
	mkdir -p out
	$(PY) -m mpp_xl bouw workbooks/MPP_2024-2_aannames.csv -o out/mpp_2024_2.xlsm --overschrijf --realisaties workbooks/realisaties_voorbeeld.csv --varianten workbooks/varianten_voorbeeld.csv
	$(PY) -m mpp_xl ververs out/mpp_2024_2.xlsm
	rm -rf out/.backup
	$(PY) -m mpp_xl reken out/mpp_2024_2.xlsm --csv out/uitkomsten.csv
	$(PY) -m mpp_xl onzekerheid out/mpp_2024_2.xlsm --trekkingen 10000 --csv out/banden.csv
	$(PY) -m mpp_xl varianten out/mpp_2024_2.xlsm --csv out/varianten.csv
	$(PY) -m mpp_xl gevoeligheid out/mpp_2024_2.xlsm --csv out/gevoeligheid.csv
	$(PY) -m mpp_xl rapport out/mpp_2024_2.xlsm -o out/rapport.pdf --png-map out/grafieken
	$(PY) -m mpp_xl status out/mpp_2024_2.xlsm

test:               ## the test suite (what CI runs)
	$(PY) -m pytest -q

lint:               ## ruff and the import layers (pyproject.toml, [tool.importlinter])
	$(PY) -m ruff check mpp_xl udfs tests
	lint-imports --no-cache

bench:              ## speed figures (run on demand, not part of the tests)
	$(PY) benchmarks/run.py

clean:
	rm -rf out build *.egg-info .pytest_cache
