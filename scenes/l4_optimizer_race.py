"""The optimizer race: several update rules from one start on one landscape, ranked live.

The plan (gdanim.lessons.optimizer_race) runs the race and decides every sentence; this scene
draws it: trails on the contour map, the live leaderboard (the plan's standings) and the loss
curves, walking the plan's beats in order.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Create, DashedLine, FadeIn, Flash, Indicate, MathTex,
                   ShowPassingFlash, SurroundingRectangle, Text, VGroup, linear, squish_rate_func, there_and_back)

from gdanim.landscapes import Landscape
from gdanim.lessons.optimizer_race import SOURCES, Params, Race, curve_losses, plan
from gdanim.lessons.plan import Beat
from gdanim.visual.contours import ContourMap
from gdanim.visual.leaderboard import Leaderboard
from gdanim.visual.lesson import LessonScene
from gdanim.visual.loss_curve import LossCurve
from gdanim.theme import THEME
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import optimizer_name

MAP_CENTER = (-3.85, 0.2, 0.0)
MAP_SIZE = 5.6  # the longer side of the map; the top band holds the formula, the bottom the captions
RIGHT_COLUMN = 3.1  # x of the centre of the leaderboard and loss-curve column
BAND_TOP, BAND_BOTTOM = MAP_CENTER[1] + MAP_SIZE / 2, MAP_CENTER[1] - MAP_SIZE / 2  # between heading and captions
PULSE = 1.2  # seconds of one highlight of the thing a caption names
FINISH = THEME.status_colors["converged"]  # the finish line, and the flash at the minimum it is measured from


def rate_groups(beat: Beat, race: Race) -> list[list[int]]:
    """The racers a rates caption names, in its order, as groups lit together (momentum and
    Nesterov sharing a rate: one group); every racer, one by one, when it names none."""
    names = [optimizer_name(n) for n in race.optimizers]
    groups: list[list[int]] = []
    for key, value in beat.facts.items():
        if key in SOURCES:  # display names, one at a time as the list is read
            groups += [[names.index(n)] for n in value]
        elif key == "shared_rate":
            groups.append([race.optimizers.index("momentum"), race.optimizers.index("nesterov")])
        elif key == "exact_gradient":
            groups += [[race.optimizers.index(n)] for n in value]
        elif key == "identical":
            groups += [[race.optimizers.index(n) for n in ids] for ids in value]
    return groups or [[i] for i in range(len(names))]


def result_groups(beat: Beat, race: Race) -> list[list[int]]:
    """The racers a results caption names, place after place (a tie: one group)."""
    groups: list[list[int]] = []
    for key, value in beat.facts.items():
        if key in ("finished", "running", "dnf", "left_plot", "late_dnf"):
            groups += [[race.optimizers.index(n) for n in entry["runs"]] for entry in value]
    return groups


class OptimizerRace(LessonScene):
    """Optimizers race from one start: trails on the contour map, a live leaderboard, loss curves."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        race: Race = lesson.runs
        steps = race.steps
        step = self.step_tracker
        # the beat whose end leaves the final standings up: the hold (a look at them) closes it
        last_race = [b for b in lesson.beats if b.kind in ("first_steps", "rest")][-1]
        self.board = self.finish = None  # the leaderboard comes with the rates, the finish line with its beat

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "intro":
                stage, heading, ring = self.course(race.traj.landscape, race.start)
                self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
                with self.beat(beat.caption) as clock:
                    # the loss named, then the common start pulsing while the words are read
                    self.play(Indicate(heading, scale_factor=1.06, color=THEME.text), run_time=PULSE)
                    self.pulse(lambda: [Indicate(ring, scale_factor=2.2, color=THEME.text),
                                        Flash(ring.get_center(), color=THEME.text, flash_radius=0.3,
                                              line_length=0.15)],
                               max(clock.remaining, PULSE))
            elif beat.kind == "rates":
                if self.board is None:  # the board (labels with their rates) comes with the rates
                    self.show_board(race, stage)
                with self.beat(beat.caption) as clock:
                    # each racer's row lit in turn as its rate is named
                    self.light_rows(rate_groups(beat, race), clock.remaining, THEME.role_colors["lr"])
            elif beat.kind == "finish_line":
                with self.beat(beat.caption) as clock:
                    self.play(Indicate(self.board.note, scale_factor=1.1, color=THEME.text), run_time=PULSE)
                    drawn = self.finish_line(race)  # the line drawn, the minimum it is measured from flashing
                    if drawn or len(stage.minima):
                        self.add_fixed_in_frame_mobjects(*drawn)
                        self.play(*([Create(drawn[0]), FadeIn(drawn[1])] if drawn else []),
                                  *(Flash(m.get_center(), color=FINISH, flash_radius=0.25, line_length=0.12)
                                    for m in stage.minima), run_time=1.5)
                    # the ranking rule: the rows, top to bottom, as they stand
                    self.light_rows([[int(i)] for i in self.board.order_at(0)], clock.remaining, THEME.text)
            elif beat.kind == "first_steps":
                with self.beat(beat.caption) as clock:
                    self.play(step.animate.set_value(race.first), rate_func=linear,
                              run_time=max(p.first_seconds, clock.remaining))
                    if beat is last_race:
                        self.hold(self.board)
            elif beat.kind == "rest":
                with self.beat(beat.caption) as clock:
                    # played, the race takes its own time; all out, the step counter runs on alone
                    seconds = p.race_seconds if beat.facts["play"] else 0.0
                    self.play(step.animate.set_value(steps), rate_func=linear,
                              run_time=max(seconds, clock.remaining, 1.0))
                    self.hold(self.curve if beat.facts["play"] else self.board)  # "below the board, loss per step"
            else:  # results: each place's row (and ball) lit as it is read out
                with self.beat(beat.caption) as clock:
                    groups = result_groups(beat, race)
                    if "no_finisher" in beat.facts:  # said first: nobody crossed the line drawn earlier
                        marks = [self.board.note] + ([self.finish] if self.finish is not None else [])
                        self.pulse(lambda: [Indicate(m, scale_factor=1.1, color=THEME.text) for m in marks],
                                   2 * PULSE if groups else max(clock.remaining, PULSE))
                    if groups:
                        self.light_rows(groups, clock.remaining, THEME.text, balls=True)
        self.show_takeaway(lesson.takeaway)

    # --- what moves under the captions --------------------------------------------------------

    def pulse(self, animations, seconds: float) -> None:
        """Play ``animations()`` (a fresh list each time) in pulses of about PULSE seconds filling ``seconds``."""
        n = max(1, round(seconds / PULSE))
        for _ in range(n):
            self.play(*animations(), run_time=seconds / n)

    def light_rows(self, groups: list[list[int]], seconds: float, color, balls: bool = False) -> None:
        """Light each group of racers' rows on the board in turn (their balls too, with ``balls``),
        overlapping, in passes filling ``seconds``.

        Each highlight is its own animation, lagged by its rate function: an AnimationGroup would
        add a Group of the rows to the scene, which dissolves the board (and its updater) into parts."""
        lag = 0.5
        one_pass = PULSE * (1 + lag * (len(groups) - 1))
        passes = max(1, round(seconds / one_pass))
        span = 1 + lag * (len(groups) - 1)  # a pass, in lengths of one highlight
        for _ in range(passes):
            bands, parts = [], []
            for j, group in enumerate(groups):
                window = squish_rate_func(there_and_back, j * lag / span, (j * lag + 1) / span)
                group_bands = [self.board.row_band(i, color) for i in group]
                bands += group_bands
                parts += [Indicate(self.board.rows[i], scale_factor=1.0, color=color, rate_func=window) for i in group]
                parts += [band.animate(rate_func=window).set_fill(opacity=0.22) for band in group_bands]
                parts += [Indicate(self.tracers[i].ball, scale_factor=2.0, color=THEME.text, rate_func=window)
                          for i in group if balls]
            self.add_fixed_in_frame_mobjects(*bands)
            self.play(*parts, run_time=max(seconds / passes, PULSE))
            self.remove_fixed_in_frame_mobjects(*bands)
            self.remove(*bands)

    def hold(self, panel) -> None:
        """The pause on the final standings (``hold_seconds``): a light runs once round ``panel``."""
        if self.params.hold_seconds > 0:
            frame = SurroundingRectangle(panel, buff=0.08, color=THEME.text, stroke_width=2.5)
            self.add_fixed_in_frame_mobjects(frame)
            self.play(ShowPassingFlash(frame, time_width=0.6), run_time=self.params.hold_seconds)
            self.remove_fixed_in_frame_mobjects(frame)

    def finish_line(self, race: Race) -> tuple:
        """The finish line on the loss curve, kept for the race: (a dashed level, 'finish' under
        its start), or () without a finish line or when its level lies off the curve's axis."""
        land = race.traj.landscape
        if race.target is None:
            return ()
        lo, hi = self.curve.value_range
        excess = race.target - land.min_value
        y = (np.log10(excess) if self.curve.log else excess) - lo
        if not 0 <= y <= hi - lo:
            return ()
        axes = self.curve.axes
        dash = DashedLine(axes.c2p(0, y), axes.c2p(axes.x_range[1], y), stroke_width=2, color=FINISH)
        label = Text("finish", font=THEME.font, font_size=16, color=FINISH)
        label.add_background_rectangle(color=THEME.background, opacity=0.75, buff=0.03)  # legible over a curve
        label.next_to(dash, DOWN, buff=0.05).align_to(dash, LEFT).shift(0.1 * RIGHT)
        self.finish = dash  # what a 'nobody finished' caption points at
        return dash, label

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
        drawn = dataclasses.replace(traj, stop_step=race.shown)
        tracers = [TrajectoryTracer(stage, drawn, i, step, color=c, radius=0.07, trail_width=3.0)
                   for i, c in enumerate(race.colors)]
        self.add_overlay(board, curve)
        self.add_tracers(*tracers)
        self.play(FadeIn(board), FadeIn(curve), run_time=0.8)
        self.board, self.curve, self.tracers = board, curve, tracers

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
