"""A fast narrated scene for the voice / burned-caption / end-card tests: title, a gap with no
cue, one caption beat, another gap, a takeaway."""

from dataclasses import dataclass, field

from manim import RIGHT, Dot, linear

from gdanim.config import param
from gdanim.visual import LessonScene


@dataclass
class NarratedParams:
    landscape: str = param("valley", "a landscape name, shown on the end card")
    optimizers: list[str] = field(default_factory=lambda: ["gd", "adam"], metadata={"help": "racers"})
    lr: float = param(0.05, "learning rate")
    seed: int = param(7, "noise seed")
    seconds: float = param(0.6, "length of each animation")


class Narrated(LessonScene):
    """Title, gap, one caption, gap, takeaway."""

    Params = NarratedParams

    def construct(self):
        dot = Dot()
        self.add(dot)
        self.show_title("Tiny lesson", "one dot", hold=0.6)
        self.play(dot.animate.shift(RIGHT), run_time=self.params.seconds, rate_func=linear)  # no cue
        with self.beat("The dot steps right: each step moves it a little closer to where the loss is lowest."):
            self.play(dot.animate.shift(RIGHT), run_time=self.params.seconds, rate_func=linear)
        self.play(dot.animate.shift(-2 * RIGHT), run_time=self.params.seconds, rate_func=linear)  # no cue
        self.show_takeaway("Small steps.", hold=0.6)
