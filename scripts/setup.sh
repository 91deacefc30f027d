#!/usr/bin/env bash
# One-time, idempotent set-up: Debian packages manim needs (only the missing ones),
# a .venv, and gdanim installed into it. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential python3-dev pkg-config libcairo2-dev libpango1.0-dev
  texlive-latex-base texlive-latex-recommended texlive-fonts-recommended
  texlive-latex-extra dvisvgm)
# GDANIM_VOICE=1 (set by `make test` and `make voice`): also the offline speech engine that
# `gdanim render --voice` drives (espeak-ng: ~12 MB, a few seconds to install)
[ "${GDANIM_VOICE:-0}" = 1 ] && APT_PACKAGES+=(espeak-ng)
# GDANIM_CHROMIUM=1 (set by `make test`): also headless Chromium, which the course-page tests
# (tests/test_course_pages.py: gallery and slides) drive
[ "${GDANIM_CHROMIUM:-0}" = 1 ] && APT_PACKAGES+=(chromium)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# GDANIM_EXTRAS (set by `make test`: test,dask): optional extras, so their tests run; `make render`
# installs the lean default
EXTRAS=${GDANIM_EXTRAS:-}
stamp=.venv/.gdanim-installed${EXTRAS:+-${EXTRAS//,/-}}
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing gdanim${EXTRAS:+[$EXTRAS]} into .venv"
  # This machine's pip config names local indexes that may be absent: hide only those warnings.
  pip_install() { .venv/bin/python -m pip install -q "$@" 2> >(grep -v "^WARNING: Location" >&2); }
  pip_install --upgrade pip
  pip_install -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
fi
