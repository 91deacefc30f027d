"""The course's lessons as data: per scene, a Params dataclass and ``plan(params) -> Lesson``.

Numpy only (no manim, no click): ``gdanim script`` prints a lesson from here in well under a
second, and tests check every claim a plan makes against the engine. Scenes draw the plans.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from gdanim.lessons.plan import Beat, Lesson, takeaway_cue, title_cue

# scene class name -> module under gdanim.lessons holding its Params and plan
MODULES = {
    "GradientDescent3D": "gradient_descent_3d",
    "LearningRateEffects": "learning_rate_effects",
    "MomentumRavine": "momentum_ravine",
    "OptimizerRace": "optimizer_race",
    "AdaptiveLearningRates": "adaptive_learning_rates",
    "BatchVsStochastic": "batch_vs_stochastic",
    "LandscapeTour": "landscape_tour",
    "ConvergenceCriteria": "convergence_criteria",
}


class LessonModules(Mapping):
    """Scene name -> its lesson module (``Params`` and ``plan``), imported when first looked up."""

    def __getitem__(self, scene: str):
        return importlib.import_module(f"gdanim.lessons.{MODULES[scene]}")

    def __iter__(self):
        return iter(MODULES)

    def __len__(self) -> int:
        return len(MODULES)


def lesson_modules() -> LessonModules:
    return LessonModules()


__all__ = ["Beat", "Lesson", "MODULES", "lesson_modules", "takeaway_cue", "title_cue"]
