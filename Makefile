# Two commands on a fresh Debian machine: `make render` and `make test`.
# Both run scripts/setup.sh first (apt packages only where missing, .venv, editable install).
VENV   := .venv
PY     := $(VENV)/bin/python
SCENE  ?= GradientDescent3D
QUALITY ?= medium

.PHONY: setup render test bench clean

setup:
	@bash scripts/setup.sh

render: setup
	$(VENV)/bin/gdanim render $(SCENE) --quality $(QUALITY)

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) scripts/bench_engine.py

clean:
	rm -rf media/* build *.egg-info .pytest_cache
