PY ?= python3

.PHONY: install example test lint bench clean

install:            ## install the package with test dependencies
	$(PY) -m pip install -e '.[test]'

# The example is regenerated from the CSV every time, so the backups that bouw and
# ververs keep in out/.backup/ are of no use: they are removed after the last write.
# Then the next round: 2025-1 from the refreshed 2024-2 with the realisations in
# referentie/ (2024 inflow; statushouders 26% of COA residents on 1-1-2025); its
# Bijstelling (on the workbook and as CSV) is against 2024-2.
example:            ## the main job: build, refresh and report the MPP 2024-2 example into out/, then roll it into 2025-1
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
	$(PY) -m mpp_xl nieuwe-ronde out/mpp_2024_2.xlsm --versie 2025-1 --peildatum 2025-01-01 --realisaties referentie/realisaties.csv -o out/mpp_2025_1.xlsm --overschrijf
	rm -rf out/.backup
	$(PY) -m mpp_xl vergelijk out/mpp_2024_2.xlsm out/mpp_2025_1.xlsm --csv out/bijstelling_2025_1.csv
	$(PY) -m mpp_xl terugtoets out/mpp_2024_2.xlsm referentie/realisaties.csv --csv out/terugtoets_2024_2.csv

test:               ## the test suite (what CI runs)
	$(PY) -m pytest -q

lint:               ## ruff and the import layers (pyproject.toml, [tool.importlinter])
	$(PY) -m ruff check mpp_xl udfs tests
	lint-imports --no-cache

bench:              ## speed figures (run on demand, not part of the tests)
	$(PY) benchmarks/run.py

clean:
	rm -rf out build *.egg-info .pytest_cache
