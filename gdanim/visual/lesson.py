"""LessonScene: the base of every gdanim scene - theme, params object, frame-fixed overlays."""

from __future__ import annotations

from typing import ClassVar

from manim import ThreeDScene

from gdanim.visual.theme import THEME


class LessonScene(ThreeDScene):
    """A scene whose every tweakable number lives in ``self.params`` (a ``Params`` dataclass).

    ``SceneClass(params=...)`` renders with given params; the plain manim CLI builds it with
    the dataclass defaults.
    """

    Params: ClassVar[type]

    def __init__(self, params=None, **kwargs):
        self.params = params if params is not None else self.Params()
        super().__init__(**kwargs)

    def setup(self):
        self.camera.background_color = THEME.background

    def add_overlay(self, *mobjects) -> None:
        """Fix mobjects in the frame, including children they swap in later (HUD rebuilds).

        manim's camera remembers fixed mobjects one by one, so a rebuilt child would otherwise
        be drawn in 3D space; the updater re-registers the family after each update.
        """
        self.add_fixed_in_frame_mobjects(*mobjects)
        for mob in mobjects:
            mob.add_updater(lambda m: self.renderer.camera.add_fixed_in_frame_mobjects(m))

    def add_tracers(self, *tracers) -> None:
        """Add trajectory tracers with their balls turned to face the camera as it moves."""
        self.add(*tracers)
        self.renderer.camera.add_fixed_orientation_mobjects(*(t.ball for t in tracers))
