"""Batch entry point: ``python scripts/render.py [gdanim render options]``.

Renders every scene in gdanim.toml (or the ones named), exactly like ``gdanim render``.
"""

import sys

from gdanim.cli import main

if __name__ == "__main__":
    main(["render", *sys.argv[1:]])
