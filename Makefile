# Two commands on a fresh Debian machine: `make render` and `make test`.
# Both run scripts/setup.sh first (apt packages only where missing, .venv, editable install).
VENV   := .venv
PY     := $(VENV)/bin/python
SCENE  ?= GradientDescent3D
QUALITY ?= medium

.PHONY: setup render test bench clean voice

setup:
	@bash scripts/setup.sh

render: setup
	$(VENV)/bin/gdanim render $(SCENE) --quality $(QUALITY)

test: export GDANIM_VOICE = 1
test: export GDANIM_CHROMIUM = 1
test: export GDANIM_EXTRAS = test,dask,explore,notebook
test: setup
	$(PY) -m pytest

voice:  # the offline speech engine for `gdanim render --voice`
	@GDANIM_VOICE=1 bash scripts/setup.sh

bench: setup
	$(PY) scripts/bench_engine.py

clean:
	rm -rf media/* build *.egg-info .pytest_cache
