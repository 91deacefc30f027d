"""A three-beat scene for the slides and gallery tests: a few frames per beat at tiny quality."""

from dataclasses import dataclass

from manim import LEFT, RIGHT, Dot, linear

from gdanim.config import param
from gdanim.visual import LessonScene


@dataclass
class BeatParams:
    shift: float = param(1.0, "how far the dot moves each beat")
    label: str = param("dot", "what the captions call the dot")


class ThreeBeats(LessonScene):
    """Three captions, three moves: <one> beat each & "quoted"."""

    Params = BeatParams

    def construct(self):
        dot = Dot()
        self.add(dot)
        for n, direction in enumerate((RIGHT, LEFT, RIGHT), start=1):
            with self.beat(f"Beat {n}: the {self.params.label} moves."):
                self.play(dot.animate.shift(self.params.shift * direction), run_time=0.6, rate_func=linear)
