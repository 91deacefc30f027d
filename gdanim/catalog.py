"""Scene discovery: every LessonScene subclass in the ``scenes`` package, by class name.

New scene modules are picked up without edits anywhere else. Modules named in the
environment variable GDANIM_SCENE_MODULES (comma-separated, importable) are added after
the course's own scenes, so a teacher can keep extra lessons in their own package.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
import pkgutil


def description(scene_cls: type) -> str:
    """A scene's one-line description: the first line of its docstring ("" if it has none)."""
    lines = (scene_cls.__doc__ or "").strip().splitlines()
    return lines[0] if lines else ""


def discover_scenes() -> dict[str, type]:
    """Map scene class name -> class, in module order (the course order)."""
    import scenes
    from gdanim.visual.lesson import LessonScene

    found: dict[str, type] = {}
    names = [f"scenes.{info.name}" for info in sorted(pkgutil.iter_modules(scenes.__path__), key=lambda m: m.name)]
    names += [n.strip() for n in os.environ.get("GDANIM_SCENE_MODULES", "").split(",") if n.strip()]
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, LessonScene) and cls is not LessonScene and cls.__module__ == module.__name__:
                found[cls.__name__] = cls
    return found


def get_scene(name: str, scenes: dict[str, type] | None = None) -> type:
    """The scene class called ``name``; the error lists the nearest names."""
    scenes = discover_scenes() if scenes is None else scenes
    if name in scenes:
        return scenes[name]
    close = difflib.get_close_matches(name, scenes, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise KeyError(f"unknown scene '{name}'; {hint}available: {', '.join(scenes)}")
