"""When to stop: the gradient-norm, loss-change and step-budget rules, live against their
tolerances, for runs that each stop for a different reason (seed 000, convergence criteria).

Thin: gdanim.lessons.convergence_criteria.plan decides every sentence from one engine call;
this scene draws the map, the panel and the tracers. Each caption is a beat that owns its
picture: a stop event's first caption plays the step tracker up to its stop, then pulses the
stopping runs' balls and panel rows (the rule that fired) while it is read; the other captions
pulse what they name (the heading and start, the rules' tolerances, bars and ticks, the rows).
``hold_seconds`` is the shortest pulse on the panel once runs stop.
"""

from __future__ import annotations

import numpy as np
from manim import UP, Circle, FadeIn, Indicate, MathTex, Text, VGroup, linear

from gdanim.landscapes import Landscape
from gdanim.lessons.convergence_criteria import RULES, Params, fired_rule, plan, stop_events
from gdanim.visual.contours import ContourMap
from gdanim.visual.criteria_panel import CriteriaPanel
from gdanim.visual.lesson import LessonScene
from gdanim.theme import THEME, ordered_run_colors
from gdanim.visual.tracer import TrajectoryTracer
from gdanim.wording import GRAD_NORM, landscape_name

MAP_CENTER = np.array([-4.3, 0.2, 0.0])
MAP_SIZE = 5.1  # the longer side of the map; the heading sits above it, the captions below
PANEL_RIGHT = 6.85  # x of the panel's right edge
PULSE_SECONDS = 1.2  # one Indicate of the thing a caption names
STEPS_SHARE = 0.5  # of a stop caption's reading time, at least, spent stepping to the stop (the rest: the rows)


class ConvergenceCriteria(LessonScene):
    """When to stop: gradient norm, loss change and step budget against their tolerances, live."""

    Params = Params
    plan = staticmethod(plan)

    def construct(self):
        p = self.params
        lesson = plan(p)
        runs = lesson.runs
        traj = runs.traj
        colors = ordered_run_colors(p.lrs)  # cool to warm, small to large α
        step = self.step_tracker
        shown, said = 0, {}  # the step drawn so far; per run, how many of its stop captions were read

        self.show_title(lesson.title, lesson.subtitle)
        for beat in lesson.beats:
            if beat.kind == "intro":
                with self.beat(beat.caption) as clock:
                    stage, heading, ring = self.stage(traj.landscape)
                    self.play(FadeIn(stage), FadeIn(heading), FadeIn(ring), run_time=0.8)
                    # the landscape named, then the common start
                    self.pulse([heading], max(clock.remaining / 3, PULSE_SECONDS), scale=1.08)
                    self.pulse([ring], clock.remaining, scale=2.2)
            elif beat.kind == "rules":
                panel = CriteriaPanel(traj, range(traj.n_runs), step, list(runs.labels), colors)
                panel.align_to(stage, UP).shift((PANEL_RIGHT - panel.get_right()[0]) * np.array([1.0, 0.0, 0.0]))
                # slowest runs drawn last, on top: same start, so their trails overlap the faster ones'
                order = sorted(range(traj.n_runs), key=lambda i: -p.lrs[i])
                # only a diverged run gets the burst; one that merely leaves the plot stops at its edge
                tracers = {i: TrajectoryTracer(stage, traj, i, step, color=colors[i], radius=0.07, trail_width=3.0,
                                               stop_at_exit=True, divergence_marker=runs.diverged[i])
                           for i in order}
                with self.beat(beat.caption) as clock:
                    self.add_overlay(panel)
                    self.add_tracers(*tracers.values())
                    self.play(FadeIn(panel), run_time=0.8)
                    for c, header in enumerate(panel.headers):  # each rule and its tolerance, in turn
                        self.pulse([header], max(clock.remaining / (len(panel.headers) - c), PULSE_SECONDS))
            elif beat.kind == "panel":
                bars = [m for row in panel.bars + panel.values for m in row]
                ticks = [t for row in panel.ticks for t in row if t is not None]
                with self.beat(beat.caption) as clock:
                    self.pulse(bars, max(clock.remaining / 2, PULSE_SECONDS))
                    self.pulse(ticks or bars, clock.remaining, scale=1.6)
            elif beat.kind in ("stop", "left_plot"):
                k = beat.facts["step"]
                group = beat.facts.get("runs", [beat.facts["run"]])
                with self.beat(beat.caption) as clock:
                    if k > shown:  # the first caption of a stop event plays the steps up to it
                        natural = self.segment_seconds(shown, k)
                        self.play(step.animate.set_value(k), rate_func=linear,
                                  run_time=max(natural, STEPS_SHARE * clock.remaining))
                        shown = k
                    # then the runs that stop (or leave) there: ball, panel row, the rule that fired
                    targets = []
                    for r in group:
                        first = said.get(r, 0) == 0
                        said[r] = said.get(r, 0) + (beat.kind == "stop")
                        targets += [tracers[r].ball, panel.labels[r], panel.statuses[r]] if first else [panel.labels[r]]
                        if first and runs.diverged[r] and tracers[r].marker is not None:
                            targets.append(tracers[r].marker)
                        rule = fired_rule(traj, r, k) if beat.kind == "stop" else None
                        if first and rule is not None:
                            targets.append(panel.boxes[r][RULES.index(rule)])
                        if beat.kind == "stop" and GRAD_NORM in beat.caption:  # the gradient norm it quotes
                            targets.append(panel.values[r][0])
                    self.pulse(targets, max(clock.remaining, p.hold_seconds, PULSE_SECONDS))
            else:  # summary: the rows again, each run's stop in turn, then the early stops
                with self.beat(beat.caption) as clock:
                    if beat is next(b for b in lesson.beats if b.kind == "summary"):
                        stopping = [r for _, rs in stop_events(traj) for r in rs]
                        for n, r in enumerate(stopping):
                            self.pulse(self.row(panel, r), max(clock.remaining / (len(stopping) - n), PULSE_SECONDS))
                    else:
                        early = beat.facts["early"] or list(range(traj.n_runs))
                        self.pulse([m for r in early for m in self.row(panel, r)], max(clock.remaining, PULSE_SECONDS))
        self.show_takeaway(lesson.takeaway)

    def pulse(self, mobjects, seconds: float, scale: float = 1.2) -> None:
        """Indicate ``mobjects`` (all already on screen) together, in pulses of about PULSE_SECONDS
        that fill ``seconds``: one slow pulse would hardly move a pixel from frame to frame."""
        n = max(1, round(seconds / PULSE_SECONDS))
        for _ in range(n):
            self.play(*(Indicate(m, scale_factor=scale) for m in mobjects), run_time=seconds / n)

    @staticmethod
    def row(panel: CriteriaPanel, run: int) -> list:
        """A run's panel row as shown once it stopped: its label, its status, the rule that fired."""
        fired = fired_rule(panel.traj, run, panel.traj.steps)
        return [panel.labels[run], panel.statuses[run]] + ([panel.boxes[run][RULES.index(fired)]] if fired else [])

    def segment_seconds(self, k0: int, k1: int) -> float:
        p = self.params
        return min(p.segment_seconds, max(k1 - k0, 1) * p.seconds_per_step)

    def stage(self, land: Landscape) -> tuple[ContourMap, VGroup, Circle]:
        """The contour map on the left, the landscape's name and formula above, a start ring."""
        (x0, x1), (y0, y1) = land.domain
        aspect = (y1 - y0) / (x1 - x0)
        width = MAP_SIZE if aspect <= 1 else MAP_SIZE / aspect
        stage = ContourMap(land, width=width, height=width * aspect).move_to(MAP_CENTER)
        name = Text(landscape_name(land), font=THEME.font, font_size=30, color=THEME.text, weight="BOLD")
        formula = MathTex(r"L(x, y) = " + land.latex, font_size=32, color=THEME.text)
        heading = VGroup(name, formula).arrange(buff=0.4)
        if heading.width > 13.4:
            heading.scale_to_fit_width(13.4)
        heading.to_edge(UP, buff=0.25)
        ring = Circle(radius=0.12, stroke_color=THEME.text, stroke_width=2).move_to(
            stage.to_scene(self.params.start)[0])
        self.add_fixed_in_frame_mobjects(heading)
        return stage, heading, ring

