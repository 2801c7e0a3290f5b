#!/usr/bin/env bash
# The lowest versions requirements*.txt allow, installed into a fresh venv, then the CLI smoke test and the AppTest
# suite run there: do the lower bounds hold?
#
#     bench/min_versions.sh                      # venv in /tmp/gan-lab-min-versions
#     TORCH=2.13.0 TORCHVISION=0.28.0 bench/min_versions.sh /tmp/venv-min   # torch where the index lacks the bound
#
# Each "name>=X" of requirements.txt and requirements-dev.txt is installed at the lowest version of at least X that
# the index serves (`pip index versions`; the packages they pull in take the newest versions that fit). PYTHON names the interpreter (default python3.11, the lowest Python allowed).
# TORCH and TORCHVISION replace torch's and torchvision's bounds when the package index cannot serve them (an index
# or a machine that holds only some torch builds): the script prints what it really installed, so say which.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-/tmp/gan-lab-min-versions}
PYTHON=${PYTHON:-python3.11}

"$PYTHON" -m venv --clear "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install packaging
"$VENV/bin/python" - requirements.txt requirements-dev.txt > "$VENV/lowest.txt" <<'PY'
import os, re, subprocess, sys
from packaging.version import InvalidVersion, Version

given = {"torch": os.environ.get("TORCH"), "torchvision": os.environ.get("TORCHVISION")}
bounds = {}  # a package named in both files (streamlit) takes the higher bound
for path in sys.argv[1:]:
    for line in open(path):
        found = re.match(r"([A-Za-z0-9_.-]+)>=([0-9][0-9.]*)", line)
        if found:
            bounds[found.group(1)] = max(bounds.get(found.group(1), Version("0")), Version(found.group(2)))
for name, bound in bounds.items():
    if given.get(name):
        print(f"{name}=={given[name]}")
        continue
    listed = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name], capture_output=True,
                            text=True, check=True).stdout
    versions = []
    for text in re.search(r"Available versions: (.*)", listed).group(1).split(", "):
        try:
            versions.append(Version(text))
        except InvalidVersion:
            pass
    lowest = min((v for v in versions if v >= bound and not v.is_prerelease), default=None)
    if lowest is None:
        sys.exit(f"the index serves no {name} >= {bound}")
    print(f"{name}=={lowest}")
PY
echo "== installing the lowest versions:"; cat "$VENV/lowest.txt"
"${PIP[@]}" install -r "$VENV/lowest.txt"
echo "== installed:"; "$VENV/bin/python" --version; "${PIP[@]}" freeze | grep -iE '^(torch|torchvision|numpy|pillow|streamlit|pandas|plotly|mlxtend|threadpoolctl|pytest|pytest-timeout|playwright)=='

echo "== the CLI smoke test"
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
export GAN_LAB_CHECKPOINTS="$SMOKE/checkpoints"
"$VENV/bin/python" -m gan_core train --epochs 1 --run smoke --device cpu --quiet
"$VENV/bin/python" -m gan_core sample --run smoke --n 16 --out "$SMOKE/smoke.png"
"$VENV/bin/python" -m gan_core eval --run smoke --n 200 > /dev/null
"$VENV/bin/python" -m gan_core toy2d --steps 50 --json > /dev/null
"$VENV/bin/python" -m gan_core runs
unset GAN_LAB_CHECKPOINTS

echo "== the AppTest suite and the documentation's commands"
"$VENV/bin/python" -m pytest -q -o addopts="" -p no:cacheprovider tests/test_app.py tests/test_cli.py tests/test_docs.py
echo "== the lowest versions hold"
