"""Batch vs stochastic gradient descent on linear regression: the data with each method's
fitted line beside the (w, b) loss contours, and what each step costs in sample gradients.

The lesson (every sentence, the runs, their labels) is gdanim.lessons.batch_vs_stochastic.plan;
this module only draws it.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, AnimationGroup, Circle, Circumscribe, Create, Cross, Dot, FadeIn, FadeOut,
                   Flash, GrowFromCenter, Indicate, LaggedStart, MathTex, Succession, Text, ValueTracker, VGroup,
                   VMobject, Wait, linear)

from gdanim.display import point_at
from gdanim.landscapes import Landscape
from gdanim.lessons.batch_vs_stochastic import Params, diverged_at, line_text, plan
from gdanim.visual.contours import ContourMap
from gdanim.visual.lesson import LessonScene
from gdanim.visual.regression_plot import (FitLegend, FittedLine, LossWindow, RegressionPlot, StepCounter, fit_at,
                                          frame_labels, sampled_samples, values_text)
from gdanim.theme import THEME, optimizer_color
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.visual.value_labels import box_samples, place_clear, polyline_samples, value_tag
from gdanim.wording import count, landscape_name, point, rate

# Method -> colour, whatever the update rule: full batch and SGD wear GD's and SGD's colours
# (vermillion, grey); mini-batch takes the theme's yellow, which stands out on the blue contours.
COLORS = {"full": optimizer_color("gd"), "mini": THEME.role_colors["lr"], "sgd": optimizer_color("sgd")}
PANEL = 4.3  # height of the data plot and side of the contour map, between heading and captions
DATA_CENTER = np.array([-4.5, 0.05, 0.0])
MAP_CENTER = np.array([0.85, 0.05, 0.0])
LEGEND_LEFT = 3.75  # x of the legend column's left edge
LEGEND_GAP = 0.22  # between its entries: tight, to leave room under it for the notes
COUNTER_Y = 2.45  # the rate and step line, above the legend, under the heading's level
# below the legend, above the captions: where a caption's quoted values that no legend row shows
# (full batch after the budget's steps, where runs diverged, the losses over the last steps) go
NOTE_GAP, NOTE_BOTTOM, NOTE_RIGHT = 0.25, -2.6, 6.85  # the note's top is NOTE_GAP below the legend
STRIP_MARGIN = 0.4  # per loss strip, the room its value and step labels take beyond its frame
STRIP_HEIGHT = 1.2  # at most: a strip about twice as wide as tall
LABEL_SIZE = 18  # a label beside a mark (start, data line): the legend rows' size
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
                              run_time=max(2.0, 0.6 * clock.remaining))
                    line, label = self.data_line(plot, beat.facts)
                    self.ghosts += [line, label]
                    self.play(*([Create(line)] if line.has_points() else []), FadeIn(label),
                              run_time=max(0.8, clock.remaining))
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
                    legend = FitLegend([(m.label, COLORS[m.key], m.traj, 0) for m in methods], step,
                                       buff=LEGEND_GAP)
                    legend.align_to(stage, UP).set_x(LEGEND_LEFT + legend.width / 2)
                    self.legend = legend
                    self.note_top = legend.get_bottom()[1] - NOTE_GAP
                    counter = StepCounter(f"{rate(beat.facts['lr'])}   ", step)
                    counter.move_to([LEGEND_LEFT + counter.width / 2, COUNTER_Y, 0])
                    self.counter = counter
                    start_label = self.start_label(beat.facts["start"], ring, tracers, cross)
                    self.ghosts.append(start_label)
                    self.lines = {m.key: line for m, line in zip(methods, lines)}
                    self.tracers = {m.key: tracer for m, tracer in zip(methods, tracers)}
                    self.add(*lines)
                    self.add_tracers(*tracers)
                    self.between_trails_and_balls(cross, tracers)
                    # the shared start ringed on the map, then each run's B in turn in the legend
                    self.play(FadeIn(legend), FadeIn(counter), GrowFromCenter(ring), FadeIn(start_label),
                              run_time=0.6)
                    self.add(legend, counter)
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
                    if beat.kind == "diverged":
                        self.show_note(self.divergence_note(beat, methods))
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
        strips = self.loss_windows(beat, named, k) if beat.kind == "settle" else {}
        for i, m in enumerate(named):
            seconds = max(1.5, clock.remaining / (len(named) - i))
            if beat.kind == "settle":
                self.replay_tail(m, beat.facts["window"], k, seconds, strips[m.key])
            elif beat.kind == "budget" and m.key == "full" and m.key != beat.facts["cheap"]:
                self.budget_ghost(m, beat.facts, seconds)
            else:
                self.play(self.quote(m), run_time=seconds)

    def between_trails_and_balls(self, mobject, tracers) -> None:
        """Draw ``mobject`` over the tracers' trails and under their balls (listed after every
        trail by ``add_tracers``): the best fit stays in sight, and a ball on it shows it got there."""
        self.remove(mobject)
        self.mobjects.insert(min(self.mobjects.index(t.ball) for t in tracers), mobject)

    def budget_ghost(self, full, facts: dict, seconds: float) -> None:
        """Full batch after the budget's worth of steps: its line dashed, its point ringed, and
        under the legend the same ring beside its steps, loss and sample gradients."""
        steps = facts["full_steps"]
        if steps == 0:  # one full-batch step would already cost more: all the samples light up
            self.play(self.all_samples("full"), run_time=seconds)
            return
        w, b = fit_at(full.traj, 0, steps)
        spot = self.stage.to_scene((w, b))[0]
        ring = Circle(radius=0.13, stroke_color=COLORS["full"], stroke_width=3).move_to(spot)
        line = self.plot.static_line(w, b, color=COLORS["full"])
        drawn = [Create(line)] if line.has_points() or line.submobjects else []
        note = self.budget_note(full, facts)
        self.ghosts += [ring, line]
        self.show_note(note, play=False)
        self.play(GrowFromCenter(ring), *drawn, FadeIn(note), Flash(spot, color=COLORS["full"], flash_radius=0.35),
                  run_time=1.0)
        self.play(Indicate(ring, scale_factor=1.5, color=THEME.text),
                  Indicate(self.tracers["full"].ball, scale_factor=1.6, color=THEME.text),
                  run_time=max(1.0, seconds - 1.0))

    def replay_tail(self, m, window: int, k: int, seconds: float, strip: LossWindow) -> None:
        """The run's last ``window`` steps again: a ghost line swings through its fits on the data
        while its tail on the map is retraced, its loss per step is drawn in ``strip``, and its
        legend entry is ringed."""
        tracer, sub = self.tracers[m.key], TrajectoryTracer.SUBSTEPS
        last = min(k, int(m.traj.stop_step[0]))
        first = max(last - window, 0)
        replay = strip.step
        ghost = FittedLine(self.plot, m.traj, 0, replay, color=THEME.text, stroke_width=2.5)
        tail = VMobject(stroke_color=THEME.text, stroke_width=5, stroke_opacity=0.9)
        tail.set_points_as_corners(tracer.path[first * sub: last * sub + 1])
        ball = Dot(radius=0.05, color=THEME.text).move_to(tracer.path[first * sub])
        ball.add_updater(lambda d: d.move_to(point_at(tracer.path, replay.get_value() * sub)))
        self.ghosts += [ghost, tail, ball]
        self.add(ball, strip)
        # under the runs' own lines (where the replay ends), not under the static map: Cairo draws
        # everything after the first moving mobject every frame
        self.mobjects.insert(min(self.mobjects.index(line) for line in self.lines.values()), ghost)
        self.play(AnimationGroup(replay.animate(rate_func=linear, run_time=seconds).set_value(last),
                                 Create(tail, rate_func=linear, run_time=seconds),
                                 self.ring_row(m, min(1.2, seconds))))

    # --- the values a caption quotes, drawn where the picture does not show them yet ----------

    def show_note(self, note: VGroup, play: bool = True) -> VGroup:
        """``note`` under the legend, its left edge on the legend's, scaled down if it is taller
        than the room there; drawn for this caption only."""
        room = (NOTE_RIGHT - LEGEND_LEFT, self.note_top - NOTE_BOTTOM)
        if note.width > room[0] or note.height > room[1]:
            note.scale(min(room[0] / note.width, room[1] / note.height))
        note.move_to([LEGEND_LEFT, self.note_top, 0], aligned_edge=UL)
        self.ghosts.append(note)
        if play:
            self.play(FadeIn(note), run_time=0.4)
        return note

    @staticmethod
    def budget_note(full, facts: dict) -> VGroup:
        """'○ full batch, six steps' over its loss and sample gradients then: the ring on the map
        as a legend entry (the caption's step count, loss and gradients, from the same facts)."""
        ring = Circle(radius=0.1, stroke_color=COLORS["full"], stroke_width=3)
        name = Text(f"{full.name}, {count(facts['full_steps'], 'step')}", font=THEME.font, font_size=20,
                    color=COLORS["full"])
        head = VGroup(ring, name).arrange(RIGHT, buff=0.15)
        rows = Text(values_text(facts["full_loss"], facts["full_spent"]), font=THEME.mono,
                    font_size=THEME.hud_size, color=THEME.text, line_spacing=0.8)
        FitLegend.place_row(rows, head)
        return VGroup(head, rows)

    @staticmethod
    def divergence_note(beat, methods) -> VGroup:
        """'SGD at step 13', one row per run that diverged, in its colour (the caption's words)."""
        steps = beat.facts["stop_step"]
        rows = [Text(diverged_at(m.name, steps[m.key]), font=THEME.font, font_size=20, color=COLORS[m.key])
                for m in methods if m.key in steps]
        return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.12)

    def loss_windows(self, beat, named, k: int) -> dict:
        """A LossWindow under the legend for each run a settle caption names, stacked, labelled
        with the losses the caption quotes; each grows as its run's tail is replayed."""
        first = beat.facts["first_step"]
        # each strip's frame, with room above it for half a label and below it for the step numbers
        height = min((self.note_top - NOTE_BOTTOM) / len(named) - STRIP_MARGIN, STRIP_HEIGHT)
        strips = {m.key: LossWindow(m.traj.losses[0, first: k + 1], first, beat.facts["quoted"][m.key],
                                    COLORS[m.key], ValueTracker(first), width=NOTE_RIGHT - LEGEND_LEFT,
                                    height=height)
                  for m in named}
        for i, strip in enumerate(strips.values()):
            top = self.note_top - i * (height + STRIP_MARGIN) - STRIP_MARGIN / 4
            strip.shift([NOTE_RIGHT - strip.frame.get_right()[0], top - strip.frame.get_top()[1], 0])
        self.ghosts += list(strips.values())
        self.play(*[FadeIn(strip) for strip in strips.values()], run_time=0.4)
        return strips

    @staticmethod
    def data_line(plot: RegressionPlot, facts: dict) -> list:
        """The line the data were drawn around, thin and muted, its equation (the caption's words)
        beside its upper part, on the side clear of the dots."""
        w, b = facts["true_w"], facts["true_b"]
        line = plot.static_line(w, b, color=THEME.muted, dashed=False, stroke_width=2)
        ends = plot.line_points(w, b)
        anchor = plot.frame.get_center() if ends is None else ends[0] + 0.8 * (ends[1] - ends[0])
        avoid = [d.get_center() for d in plot.dots] + ([] if ends is None else list(polyline_samples(ends)))
        label = place_clear(value_tag(line_text(w, b), font_size=LABEL_SIZE), anchor, avoid, plot.frame)
        return [line, label]

    def start_label(self, start, ring, tracers, cross) -> VGroup:
        """The start's (w, b) beside its ring, on the side clearest of every run's whole path."""
        avoid = np.vstack([*(polyline_samples(whole_trail(t)) for t in tracers), box_samples(cross)])
        return place_clear(value_tag(point(start), font_size=LABEL_SIZE), ring, avoid, self.stage.frame)

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


def whole_trail(tracer: TrajectoryTracer) -> np.ndarray:
    """The scene points of a tracer's trail once its run is over: up to where it leaves the map
    if it stops there (a diverged run), else its whole path."""
    if not tracer.stop_at_exit:
        return tracer.path
    return np.vstack([tracer.path[: int(tracer.exit[0] * tracer.SUBSTEPS) + 1], tracer.exit_point])


def best_fit_cross(point) -> Cross:
    """The best fit on the loss map: a cross in its own colour, outlined dark, which reads over the
    trails and balls that end around it (drawn over them) as well as over the map."""
    return (Cross(stroke_color=BEST_FIT_COLOR, stroke_width=BEST_FIT_WIDTH, scale_factor=BEST_FIT_SIZE)
            .set_stroke(THEME.background, BEST_FIT_WIDTH + BEST_FIT_OUTLINE, background=True)
            .move_to(point))
