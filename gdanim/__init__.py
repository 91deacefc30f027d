"""gdanim: gradient-descent lessons as 3D animations.

The package root stays light: importing ``gdanim`` (or ``gdanim.engine`` /
``gdanim.landscapes``) needs numpy only. Manim lives in ``gdanim.visual``, click in
``gdanim.cli``.
"""

__version__ = "0.1.0"

NOTEBOOK_CALLS = ("show", "preview", "script", "sliders")


def __getattr__(name: str):
    """``gdanim.show`` / ``preview`` / ``script`` / ``sliders``: the notebook layer (IPython) is
    imported when one is first used, so ``import gdanim`` stays light."""
    if name in NOTEBOOK_CALLS:
        import importlib

        return getattr(importlib.import_module("gdanim.notebook"), name)
    raise AttributeError(f"module 'gdanim' has no attribute {name!r}")
