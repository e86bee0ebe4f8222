# Virtual MCU Lab: `make demo` runs the main job, `make test` runs every test.
# Both set up everything first (scripts/setup.sh: quick when nothing changed).
VENV := .venv
LAB := $(VENV)/bin/lab

.PHONY: setup demo test bench docker docker-toolchain clean

setup:
	@scripts/setup.sh

demo: setup
	$(LAB) run micro_speech --platform nrf52840

test: setup
	$(VENV)/bin/python -m pytest -q -n auto --dist loadfile --durations=15
	$(LAB) test

bench: setup
	$(VENV)/bin/python bench/mips.py

# Opt-in: the lab in a container (docker/README.md; needs a Docker engine and
# docker/make-base.sh's local base image).
docker:
	docker build --network host $(DOCKER_ARGS) -t virtual-mcu-lab -f docker/Dockerfile .

# only the firmware toolchain stage: what `lab build --builder docker` needs
docker-toolchain:
	docker build --network host $(DOCKER_ARGS) --target toolchain -t virtual-mcu-lab-toolchain -f docker/Dockerfile .

clean:
	rm -rf lab/engines/embedded/native/_build lab/runtime/_build .pytest_cache
