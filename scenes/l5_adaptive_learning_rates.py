"""Adaptive learning rates: each coordinate's learning rate as live bars beside the runs.

The lesson (every sentence, the runs, the values on the bars and lines) is
gdanim.lessons.adaptive_learning_rates.plan; this module only draws it.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, FadeOut, MathTex, Text, VGroup, config, linear

from gdanim.landscapes import Landscape
from gdanim.lessons.adaptive_learning_rates import Params, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.equation import EquationCard
from gdanim.visual.lesson import LessonScene
from gdanim.visual.step_bars import StepBars, StepHistory
from gdanim.visual.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import landscape_name, optimizer_name

MAP_CENTER = np.array([-3.6, 1.4, 0.0])
MAP_WIDTH = 5.4
MAP_HEIGHT = 3.24  # at most: a square domain gets a narrower map
CARD_TOP = -0.35  # equation cards sit under the map, above the caption band
CAPTION_TOP = -2.85
CARD_BOTTOM = -2.6  # a two-line caption's panel reaches up to about -2.7
RIGHT_X = 3.55  # centre of the rate column
BARS_BUFF = 0.25  # between the frame's top and the bars
BARS_TITLE = "Learning rate per coordinate (log scale)"
HISTORY_TITLE = "x rate (thick), real x step |Δx| (thin), log scale"


class AdaptiveLearningRates(LessonScene):
    """Adaptive optimizers from one start: each coordinate's learning rate as live bars.

    Below them, each run's x rate (thick) beside its real x step |Δx| (thin) over time.
    """

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        traj, land = runs.traj, runs.traj.landscape
        step = self.step_tracker
        names = [optimizer_name(n) for n in runs.optimizers]
        colors = [optimizer_color(n) for n in runs.optimizers]
        card = None
        held = False

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "intro":
                stage, heading, ring = self.course(land, traj.positions[0, 0])
                self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "bars":
                bars = StepBars(runs.rates, step, names, colors, bar_width=2.7, bar_height=0.18,
                                font_size=18, title=BARS_TITLE)
                history = StepHistory(runs.rates[:, :, 0], step, colors, thin=runs.moves[:, :, 0],
                                      width=5.2, height=1.35)
                history_title = Text(HISTORY_TITLE, font=THEME.font, font_size=16, color=THEME.text)
                history.move_to([RIGHT_X + 0.3, 0, 0]).align_to([0, CAPTION_TOP + 0.45, 0], DOWN)
                history_title.next_to(history.axes, UP, buff=0.15)
                # four runs make the bars taller than the room above the history: scale them down
                room = config.frame_height / 2 - BARS_BUFF - history_title.get_top()[1] - 0.15
                if bars.height > room:
                    bars.scale_to_fit_height(room)
                bars.move_to([RIGHT_X, 0, 0]).to_edge(UP, buff=BARS_BUFF)
                # a run that diverged or ended outside the plot is drawn up to where it left
                # (the burst only where the engine says diverged); one that comes back is drawn whole
                tracers = [TrajectoryTracer(stage, traj, i, step, color=c, radius=0.07, trail_width=3.0,
                                            divergence_marker=str(traj.stop_reason[i]) == "diverged",
                                            stop_at_exit=runs.gone[i])
                           for i, c in enumerate(colors)]
                self.add_overlay(bars, history)
                self.add_fixed_in_frame_mobjects(history_title)
                self.add_tracers(*tracers)
                self.play(FadeIn(bars), FadeIn(history), FadeIn(history_title), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "rule":
                self.finish_reading()  # the new card belongs to this caption's beat
                name = beat.facts["optimizer"]
                card = self.swap_card(card, name, runs.labels[runs.optimizers.index(name)])
                self.say(beat.caption)
                if beat.facts["play_to"]:
                    self.play(step.animate.set_value(beat.facts["play_to"]), run_time=p.first_seconds,
                              rate_func=linear)
            elif beat.kind == "run":
                self.say(beat.caption)
                self.play(step.animate.set_value(beat.facts["to"]), run_time=p.run_seconds, rate_func=linear)
            else:  # ticks; and the closing numbers: rate, steps, contrast
                if beat.kind in ("rate", "steps", "contrast") and not held:
                    self.wait(p.hold_seconds)
                    held = True
                self.say(beat.caption)
        self.show_takeaway(lesson.takeaway)

    def course(self, land: Landscape, start) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left with the landscape's name and formula above it."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = min(MAP_WIDTH, MAP_HEIGHT / aspect)
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(landscape_name(land), font=THEME.font, font_size=28,
                    color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=30, color=THEME.text)
        heading = VGroup(name, formula).arrange(RIGHT, buff=0.35)
        if heading.width > MAP_WIDTH:
            heading.scale_to_fit_width(MAP_WIDTH)
        heading.next_to(stage, UP, buff=0.25)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(stage.to_scene(start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring

    def swap_card(self, old, name: str, label: str):
        """Replace the update-rule card under the map with ``name``'s, titled ``label``."""
        card = EquationCard.for_optimizer(name, title=label, font_size=26)
        room = CARD_TOP - CARD_BOTTOM
        if card.height > room:
            card.scale_to_fit_height(room)
        card.align_to([MAP_CENTER[0] - MAP_WIDTH / 2, 0, 0], LEFT).align_to([0, CARD_TOP, 0], UP)
        self.add_fixed_in_frame_mobjects(card)
        if old is None:
            self.play(FadeIn(card), run_time=0.5)
        else:
            self.play(FadeOut(old), FadeIn(card), run_time=0.5)
            self.remove_fixed_in_frame_mobjects(old)
        return card

