"""gdanim: gradient-descent lessons as 3D animations.

The package root stays light: importing ``gdanim`` (or ``gdanim.engine`` /
``gdanim.landscapes``) needs numpy only. Manim lives in ``gdanim.visual``, click in
``gdanim.cli``.
"""

__version__ = "0.1.0"
