"""Fast scenes for CLI tests: a few frames each at tiny quality."""

from dataclasses import dataclass

from manim import RIGHT, Dot, linear

from gdanim.config import param
from gdanim.visual import LessonScene


@dataclass
class DotParams:
    shift: float = param(1.0, "how far the dot moves")
    seconds: float = param(1.0, "animation length")


class DotA(LessonScene):
    """A dot moves right."""

    Params = DotParams

    def construct(self):
        with self.beat("A dot moves."):
            self.play(Dot().animate.shift(self.params.shift * RIGHT), self.step_tracker.animate.set_value(10),
                      run_time=self.params.seconds, rate_func=linear)


class DotB(DotA):
    """Another dot moves right."""


class Broken(DotA):
    """Fails on purpose."""

    def construct(self):
        raise RuntimeError("this scene is broken on purpose")
