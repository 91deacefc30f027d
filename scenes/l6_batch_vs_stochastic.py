"""Batch vs stochastic gradient descent on linear regression: the data with each method's
fitted line beside the (w, b) loss contours, and what each step costs in sample gradients.

The lesson (every sentence, the runs, their labels) is gdanim.lessons.batch_vs_stochastic.plan;
this module only draws it.
"""

from __future__ import annotations

import numpy as np
from manim import (RIGHT, UP, AnimationGroup, Circle, Circumscribe, Create, Cross, Dot, FadeIn, FadeOut, Flash,
                   GrowFromCenter, Indicate, LaggedStart, MathTex, Succession, Text,
                   ValueTracker, VGroup, VMobject, Wait, linear)

from gdanim.display import point_at
from gdanim.landscapes import Landscape
from gdanim.lessons.batch_vs_stochastic import Params, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.lesson import LessonScene
from gdanim.visual.regression_plot import (FitLegend, FittedLine, RegressionPlot, fit_at, frame_labels,
                                          sampled_samples)
from gdanim.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import landscape_name

# Method -> colour, whatever the update rule: full batch and SGD wear GD's and SGD's colours
# (vermillion, grey); mini-batch takes the theme's yellow, which stands out on the blue contours.
COLORS = {"full": optimizer_color("gd"), "mini": THEME.role_colors["lr"], "sgd": optimizer_color("sgd")}
PANEL = 4.3  # height of the data plot and side of the contour map, between heading and captions
DATA_CENTER = np.array([-4.5, 0.05, 0.0])
MAP_CENTER = np.array([0.85, 0.05, 0.0])
LEGEND_LEFT = 3.75  # x of the legend column's left edge
# The best fit's colour, for its cross on the map and its dashed line on the data: far from every
# trail and from the grey map (tests/test_theme.py)
BEST_FIT_COLOR = THEME.role_colors["best_fit"]
BEST_FIT_SIZE = 0.14  # half the best-fit cross's width: its arms reach past a ball (radius 0.07)
BEST_FIT_WIDTH = 4.0
BEST_FIT_OUTLINE = 3.0  # extra width of its dark outline, which parts it from the trails under it


class BatchVsStochastic(LessonScene):
    """Full-batch GD vs SGD vs mini-batch on linear regression: fitted lines, paths and costs."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        land, methods = runs.land, runs.methods
        step = self.step_tracker
        self.ghosts = []  # drawn for one caption only: faded out after it

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "data":
                heading = self.heading(land)
                plot = RegressionPlot(land, width=PANEL, height=PANEL).move_to(DATA_CENTER)
                self.plot = plot
                self.play(FadeIn(heading), FadeIn(plot.scaffold), run_time=0.8)
                with self.beat(beat.caption) as clock:
                    # the samples appear from left to right while their count is read
                    dots = sorted(plot.dots, key=lambda d: d.get_x())
                    lag = 4.0 / (len(dots) - 1) if len(dots) > 1 else 0.0
                    self.play(LaggedStart(*[FadeIn(d, scale=2.5) for d in dots], lag_ratio=lag),
                              run_time=max(2.0, clock.remaining))
            elif beat.kind == "loss_map":
                stage, axis_labels, ring, best, cross = self.loss_map(land, plot, p.start)
                self.stage = stage
                self.play(FadeIn(stage), FadeIn(axis_labels), FadeIn(cross), run_time=0.8)
                with self.beat(beat.caption) as clock:
                    self.probe_loop(land, plot, stage, clock.remaining * 0.6)
                    # the best fit: its line drawn dashed while its cross on the map pulses
                    self.play(Create(best), Indicate(cross, scale_factor=1.8),
                              run_time=max(1.2, clock.remaining))
            elif beat.kind == "methods":
                with self.beat(beat.caption) as clock:
                    lines = [plot.add_fit(m.traj, 0, step, color=COLORS[m.key]) for m in methods]
                    # a diverged run's trail ends where it leaves the map (marked), not along the edges
                    tracers = [TrajectoryTracer(stage, m.traj, 0, step, color=COLORS[m.key], radius=0.07,
                                                trail_width=3.0, stop_at_exit=m.diverged) for m in methods]
                    legend = FitLegend([(m.label, COLORS[m.key], m.traj, 0) for m in methods], step)
                    legend.align_to(stage, UP).set_x(LEGEND_LEFT + legend.width / 2)
                    self.legend = legend
                    self.lines = {m.key: line for m, line in zip(methods, lines)}
                    self.tracers = {m.key: tracer for m, tracer in zip(methods, tracers)}
                    self.add(*lines)
                    self.add_tracers(*tracers)
                    self.between_trails_and_balls(cross, tracers)
                    # the shared start ringed on the map, then each run's B in turn in the legend
                    self.play(FadeIn(legend), GrowFromCenter(ring), run_time=0.6)
                    self.add(legend)
                    self.play(Flash(ring, color=THEME.text, flash_radius=0.3), run_time=0.8)
                    self.play(LaggedStart(*[self.ring_row(m) for m in methods], lag_ratio=0.7),
                              run_time=max(1.5, clock.remaining))
            elif beat.kind == "full_batch":
                full = runs.method("full")
                with self.beat(beat.caption) as clock:
                    # every step, all the samples light up in full batch's colour: all of them are averaged
                    row = self.ring_row(full)
                    for k in range(1, runs.slow + 1):
                        seconds = max(p.first_step_seconds, clock.remaining / (runs.slow - k + 1))
                        anims = [step.animate(rate_func=linear).set_value(k), self.all_samples("full")]
                        self.play(*anims, *([row] if k == 1 else []), run_time=seconds)
                    if not runs.slow:
                        self.play(row, self.all_samples("full"), run_time=max(1.0, clock.remaining))
            elif beat.kind == "stochastic":
                sgd, mini = runs.method("sgd"), runs.method("mini")
                with self.beat(beat.caption) as clock:
                    pick = self.sample_marker(sgd)  # SGD's one sample of the step being taken
                    seconds = max((runs.steps - runs.slow) * p.seconds_per_step, clock.remaining, 1.0)
                    anims = [step.animate(rate_func=linear, run_time=seconds).set_value(runs.steps)]
                    if runs.steps == runs.slow:
                        anims = [Wait(run_time=seconds)]
                    anims.append(self.ring_row(sgd, 1.2))
                    if mini is not None and beat.facts["between"]:  # named last in the caption
                        anims.append(Succession(Wait(run_time=0.55 * seconds),
                                                self.ring_row(mini, 1.2)))
                    self.play(AnimationGroup(*anims))
                    self.wait(p.hold_seconds)
                self.remove(pick)
            else:  # note, diverged, results, budget, settle: the runs are done; what is quoted pulses
                with self.beat(beat.caption) as clock:
                    self.point_out(beat, [m for m in self.named(methods, beat.caption)
                                          if beat.kind != "diverged" or m.diverged] or list(methods),
                                   runs.steps, clock)
                if self.ghosts:  # what was drawn for this caption only leaves after it
                    self.play(FadeOut(*self.ghosts), run_time=0.3)
                    self.ghosts = []
        self.show_takeaway(lesson.takeaway)

    # --- what each caption points at --------------------------------------------------------

    @staticmethod
    def named(methods, text: str) -> list:
        """The methods a caption names, in the order it names them."""
        low, found = text.lower(), []
        for m in methods:
            at = [low.find(n) for n in (m.name.lower(), "full-batch" if m.key == "full" else m.name.lower())
                  if n in low]
            if at:
                found.append((min(at), m))
        return [m for _, m in sorted(found, key=lambda t: t[0])]

    def name_row(self, m) -> VGroup:
        """A legend entry: swatch, name and its live numbers."""
        return self.legend.blocks[[e[0] for e in self.legend.entries].index(m.label)]

    def ring_row(self, m, run_time: float = 1.0):
        """A rectangle drawn round a run's legend entry, then faded."""
        return Circumscribe(self.name_row(m), color=COLORS[m.key], buff=0.06, fade_out=True, run_time=run_time)

    def all_samples(self, key: str):
        """Every data point briefly in a run's colour (a gradient over all of them)."""
        return Indicate(self.plot.dots, scale_factor=1.0, color=COLORS[key])

    def quote(self, m):
        """A run's legend entry ringed, its fitted line and ball (and divergence burst) pulsed."""
        tracer = self.tracers[m.key]
        anims = [self.ring_row(m), Indicate(self.lines[m.key], scale_factor=1.0, color=THEME.text),
                 Indicate(tracer.ball, scale_factor=1.8, color=THEME.text)]
        if m.diverged and tracer.marker is not None:
            anims.append(Indicate(tracer.marker, scale_factor=1.8, color=THEME.text))
        return AnimationGroup(*anims)

    def point_out(self, beat, named, k: int, clock) -> None:
        """Under a closing caption, each run it quotes in turn: the settle captions replay the
        run's last steps (its line swinging, its tail retraced), budget shows full batch where the
        cheap run's budget stops it, the rest ring the legend numbers quoted."""
        for i, m in enumerate(named):
            seconds = max(1.5, clock.remaining / (len(named) - i))
            if beat.kind == "settle":
                self.replay_tail(m, beat.facts["window"], k, seconds)
            elif beat.kind == "budget" and m.key == "full" and m.key != beat.facts["cheap"]:
                self.budget_ghost(m, beat.facts["full_steps"], seconds)
            else:
                self.play(self.quote(m), run_time=seconds)

    def between_trails_and_balls(self, mobject, tracers) -> None:
        """Draw ``mobject`` over the tracers' trails and under their balls (listed after every
        trail by ``add_tracers``): the best fit stays in sight, and a ball on it shows it got there."""
        self.remove(mobject)
        self.mobjects.insert(min(self.mobjects.index(t.ball) for t in tracers), mobject)

    def budget_ghost(self, full, steps: int, seconds: float) -> None:
        """Full batch after ``steps`` steps (the budget's worth): its line dashed, its point ringed."""
        if steps == 0:  # one full-batch step would already cost more: all the samples light up
            self.play(self.all_samples("full"), run_time=seconds)
            return
        w, b = fit_at(full.traj, 0, steps)
        spot = self.stage.to_scene((w, b))[0]
        ring = Circle(radius=0.13, stroke_color=COLORS["full"], stroke_width=3).move_to(spot)
        line = self.plot.static_line(w, b, color=COLORS["full"])
        drawn = [Create(line)] if line.has_points() or line.submobjects else []
        self.ghosts += [ring, line]
        self.play(GrowFromCenter(ring), *drawn, Flash(spot, color=COLORS["full"], flash_radius=0.35), run_time=1.0)
        self.play(Indicate(ring, scale_factor=1.5, color=THEME.text),
                  Indicate(self.tracers["full"].ball, scale_factor=1.6, color=THEME.text),
                  run_time=max(1.0, seconds - 1.0))

    def replay_tail(self, m, window: int, k: int, seconds: float) -> None:
        """The run's last ``window`` steps again: a ghost line swings through its fits on the data
        while its tail on the map is retraced, and its legend entry is ringed."""
        tracer, sub = self.tracers[m.key], TrajectoryTracer.SUBSTEPS
        last = min(k, int(m.traj.stop_step[0]))
        first = max(last - window, 0)
        replay = ValueTracker(first)
        ghost = FittedLine(self.plot, m.traj, 0, replay, color=THEME.text, stroke_width=2.5)
        tail = VMobject(stroke_color=THEME.text, stroke_width=5, stroke_opacity=0.9)
        tail.set_points_as_corners(tracer.path[first * sub: last * sub + 1])
        ball = Dot(radius=0.05, color=THEME.text).move_to(tracer.path[first * sub])
        ball.add_updater(lambda d: d.move_to(point_at(tracer.path, replay.get_value() * sub)))
        self.ghosts += [ghost, tail, ball]
        self.add(ball)
        # under the runs' own lines (where the replay ends), not under the static map: Cairo draws
        # everything after the first moving mobject every frame
        self.mobjects.insert(min(self.mobjects.index(line) for line in self.lines.values()), ghost)
        self.play(AnimationGroup(replay.animate(rate_func=linear, run_time=seconds).set_value(last),
                                 Create(tail, rate_func=linear, run_time=seconds),
                                 self.ring_row(m, min(1.2, seconds))))

    def sample_marker(self, sgd):
        """A ring on the data point SGD's current step uses (when it can be read back)."""
        picks = sampled_samples(sgd.traj, 0)
        dots = self.plot.dots
        ring = Circle(radius=0.11, stroke_color=THEME.text, stroke_width=2.5)

        def follow(mob):
            k = min(int(self.step_tracker.get_value()), len(picks) - 1)
            i = picks[k] if k >= 0 else -1
            if i >= 0:
                mob.move_to(dots[i].get_center()).set_stroke(opacity=1.0)
            else:
                mob.set_stroke(opacity=0.0)

        follow(ring)
        ring.add_updater(follow)
        self.add(ring)
        return ring

    def probe_loop(self, land: Landscape, plot: RegressionPlot, stage, seconds: float) -> None:
        """A probe circles the best fit on the map while the line of each (w, b) it passes swings on
        the data: one point there is one line here."""
        (w0, w1), (b0, b1) = land.domain
        (wc, bc) = land.minima[0]
        radius = 0.3 * min(w1 - w0, b1 - b0)
        turn = ValueTracker(0.0)

        def where():
            a = 2 * np.pi * turn.get_value()
            return wc + radius * np.cos(a), bc + radius * np.sin(a)

        probe = Dot(radius=0.07, color=THEME.text, stroke_color=THEME.background, stroke_width=2)
        probe.add_updater(lambda d: d.move_to(stage.to_scene(where())[0]))
        line = VMobject(stroke_color=THEME.text, stroke_width=3)

        def draw(mob):
            ends = plot.line_points(*where())
            if ends is None:
                c = plot.axes.get_center()
                mob.set_points_as_corners([c, c]).set_stroke(opacity=0.0)
            else:
                mob.set_points_as_corners(ends).set_stroke(opacity=1.0)

        draw(line)
        line.add_updater(draw)
        probe.update()
        self.play(FadeIn(probe), FadeIn(line), run_time=0.3)
        self.play(turn.animate.set_value(1.0), run_time=max(1.5, seconds - 0.6), rate_func=linear)
        self.play(FadeOut(probe), FadeOut(line), run_time=0.3)

    def heading(self, land: Landscape) -> VGroup:
        name = Text(landscape_name(land), font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(w, b) = " + land.latex, font_size=32, color=THEME.text)
        return VGroup(name, formula).arrange(RIGHT, buff=0.4).to_edge(UP, buff=0.25)

    @staticmethod
    def loss_map(land: Landscape, plot: RegressionPlot, start):
        """The (w, b) contour map with its axis labels, a ring at the start, the best-fit line and
        the best fit's cross on the map (apart from the map, to be drawn over the runs)."""
        map_ = ContourMap(land, width=PANEL, height=PANEL, show_minima=False).move_to(MAP_CENTER)
        (w0, w1), (b0, b1) = land.domain
        # the domain's ends and the axes' names outside the frame (below it for w, left of it for b)
        labels = frame_labels(map_.frame, [w0, w1], [b0, b1], lambda w, b: map_.to_scene((w, b))[0],
                              x_name="w (slope)", y_name="b", gap=RegressionPlot.GAP)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(map_.to_scene(start)[0])
        w_star, b_star = land.minima[0]
        best = plot.static_line(w_star, b_star, color=BEST_FIT_COLOR)
        return map_, labels, ring, best, best_fit_cross(map_.to_scene((w_star, b_star))[0])


def best_fit_cross(point) -> Cross:
    """The best fit on the loss map: a cross in its own colour, outlined dark, which reads over the
    trails and balls that end around it (drawn over them) as well as over the map."""
    return (Cross(stroke_color=BEST_FIT_COLOR, stroke_width=BEST_FIT_WIDTH, scale_factor=BEST_FIT_SIZE)
            .set_stroke(THEME.background, BEST_FIT_WIDTH + BEST_FIT_OUTLINE, background=True)
            .move_to(point))
