"""The optimizer race: several update rules from one start on one landscape, ranked live.

The plan (gdanim.lessons.optimizer_race) runs the race and decides every sentence; this scene
draws it: trails on the contour map, the live leaderboard (the plan's standings) and the loss
curves, walking the plan's beats in order.
"""

from __future__ import annotations

import dataclasses

from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, MathTex, Text, VGroup, linear

from gdanim.landscapes import Landscape
from gdanim.lessons.optimizer_race import Params, Race, curve_losses, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.leaderboard import Leaderboard
from gdanim.visual.lesson import LessonScene
from gdanim.visual.loss_curve import LossCurve
from gdanim.visual.theme import THEME
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import signed, superscript

MAP_CENTER = (-3.85, 0.2, 0.0)
MAP_SIZE = 5.6  # the longer side of the map; the top band holds the formula, the bottom the captions
RIGHT_COLUMN = 3.1  # x of the centre of the leaderboard and loss-curve column
BAND_TOP, BAND_BOTTOM = MAP_CENTER[1] + MAP_SIZE / 2, MAP_CENTER[1] - MAP_SIZE / 2  # between heading and captions


class OptimizerRace(LessonScene):
    """Optimizers race from one start: trails on the contour map, a live leaderboard, loss curves."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        race: Race = lesson.runs
        traj, steps = race.traj, race.steps
        step = self.step_tracker

        self.show_title(lesson.title, lesson.subtitle)
        board_shown = held = False
        for beat in lesson.beats:
            if beat.kind == "intro":
                stage, heading, ring = self.course(traj.landscape, race.start)
                self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
                self.say(beat.caption)
            elif beat.kind == "rates" and not board_shown:
                board_shown = True
                self.show_board(race, stage)
                self.say(beat.caption)
            elif beat.kind == "first_steps":
                self.say(beat.caption)
                self.play(step.animate.set_value(race.first), run_time=p.first_seconds, rate_func=linear)
            elif beat.kind == "rest":
                self.say(beat.caption)
                run_time = p.race_seconds if beat.facts["play"] else 1.0  # nothing moves: just the counter
                self.play(step.animate.set_value(steps), run_time=run_time, rate_func=linear)
            elif beat.kind == "results" and not held:
                held = True
                if p.hold_seconds > 0:  # a pause on the final standings before they are read out
                    self.wait(p.hold_seconds)
                self.say(beat.caption)
            else:
                self.say(beat.caption)
        self.show_takeaway(lesson.takeaway)

    def show_board(self, race: Race, stage: ContourMap) -> None:
        """The leaderboard and loss curves on the right, the trails on the map, all on the step tracker."""
        traj, steps, step = race.traj, race.steps, self.step_tracker
        runs = range(traj.n_runs)
        font_size = 20 if traj.n_runs <= 6 else 16  # seven or eight rows: smaller, to leave the curve room
        board = Leaderboard(traj, runs, step, race.labels, race.colors, target=race.target, note=race.board_note,
                            font_size=font_size)
        board.move_to([RIGHT_COLUMN, BAND_TOP - board.height / 2, 0])
        # the curve fills what the board leaves of the band (less with eight racers), never overlapping it
        height = min(1.45, board.get_bottom()[1] - BAND_BOTTOM - 0.75)
        curve_theme = dataclasses.replace(THEME, hud_size=23)  # axis labels at font size 18
        curve = LossCurve(dataclasses.replace(traj, losses=curve_losses(traj)), runs, step, race.colors,
                          width=5.6, height=height, max_step=steps, theme=curve_theme)
        curve.move_to([RIGHT_COLUMN + 0.2, 0, 0]).align_to([0, BAND_BOTTOM, 0], DOWN)
        scale = self.curve_scale(curve, steps)
        drawn = dataclasses.replace(traj, stop_step=race.shown)
        tracers = [TrajectoryTracer(stage, drawn, i, step, color=c, radius=0.07, trail_width=3.0)
                   for i, c in enumerate(race.colors)]
        self.add(scale)
        self.add_overlay(board, curve)
        self.add_tracers(*tracers)
        self.play(FadeIn(board), FadeIn(curve), FadeIn(scale), run_time=0.8)

    @staticmethod
    def curve_scale(curve: LossCurve, steps: int) -> VGroup:
        """Numbers on the loss curve's axes: its bottom and top loss, its first and last step."""
        lo, hi = curve.value_range
        axes, top = curve.axes, curve.axes.y_range[1]
        if curve.log:
            bottom_text, top_text = (f"10{superscript(int(v))}" for v in (lo, hi))
        else:
            bottom_text, top_text = (signed(v, ".3g") for v in (lo, hi))
        label = dict(font=THEME.font, font_size=18, color=THEME.muted)
        return VGroup(
            Text(bottom_text, **label).next_to(axes.c2p(0, 0), LEFT, buff=0.08),
            Text(top_text, **label).next_to(axes.c2p(0, top), LEFT, buff=0.08),
            Text("0", **label).next_to(axes.c2p(0, 0), DOWN, buff=0.08),
            Text(str(steps), **label).next_to(axes.c2p(steps, 0), DOWN, buff=0.08),
        )

    def course(self, land: Landscape, start) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left, the landscape's name and formula above it, a start ring."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = MAP_SIZE if aspect <= 1 else MAP_SIZE / aspect
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(land.title, font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        heading = VGroup(name, formula).arrange(RIGHT, buff=0.4)
        if heading.width > 13.4:
            heading.scale_to_fit_width(13.4)
        heading.to_edge(UP, buff=0.3)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(stage.to_scene(start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring
