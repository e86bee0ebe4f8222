# Virtual MCU Lab: `make demo` runs the main job, `make test` runs every test.
# Both set up everything first (scripts/setup.sh: quick when nothing changed).
VENV := .venv
LAB := $(VENV)/bin/lab

.PHONY: setup demo test bench clean

setup:
	@scripts/setup.sh

demo: setup
	$(LAB) run micro_speech --platform nrf52840

test: setup
	$(VENV)/bin/python -m pytest -q
	$(LAB) test

bench: setup
	$(VENV)/bin/python bench/mips.py

clean:
	rm -rf lab/engines/embedded/native/_build lab/runtime/_build .pytest_cache
