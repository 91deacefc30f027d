"""Pulse: manim's Indicate for mobjects that an updater rebuilds from the step tracker."""

from __future__ import annotations

from manim import Indicate


class Pulse(Indicate):
    """Indicate for a mobject that an updater rebuilds from the step tracker (StepArrow,
    LookaheadGhost, live panels): its start and target copies are kept still, or their copied
    updaters would rebuild them unpulsed every frame and the pulse would not show."""

    def create_starting_mobject(self):
        return super().create_starting_mobject().clear_updaters()

    def create_target(self):
        return super().create_target().clear_updaters()
