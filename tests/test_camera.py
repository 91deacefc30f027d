"""SurfaceCamera draws what manim's ThreeDCamera draws: same Cairo commands, same pixels."""

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import DEGREES, LEFT, UP, Dot, Square, Text, ThreeDCamera, tempconfig  # noqa: E402

import gdanim.visual.lesson as lesson  # noqa: E402
from gdanim.landscapes import get_landscape  # noqa: E402
from gdanim.visual import LossSurface  # noqa: E402
from gdanim.visual.camera import SurfaceCamera  # noqa: E402
from test_frames import compose_surface_with_tracers, render_still  # noqa: E402

SKIPPED = {"new_path", "new_sub_path"}  # state resets: a fill consumes the path either way


class Recorder:
    """A stand-in Cairo context that lists the drawing commands it receives, as plain numbers."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def record(*args):
            if name in SKIPPED:
                return
            if name == "set_source":  # manim's faces: a two-stop linear gradient
                args = (*args[0].get_linear_points(), *np.ravel(args[0].get_color_stops_rgba()))
            self.calls.append(("fill" if name == "fill_preserve" else name, np.array(args, dtype=float)))
        return record


def recorded(camera_class, mobjects, fixed=()) -> tuple[list, SurfaceCamera]:
    camera = camera_class()
    camera.set_phi(60 * DEGREES)
    camera.set_theta(-50 * DEGREES)
    camera.add_fixed_in_frame_mobjects(*fixed)
    recorder = Recorder()
    camera.get_cairo_context = lambda pixel_array: recorder
    camera.capture_mobjects(mobjects)
    return recorder.calls, camera


def assert_same_calls(ours: list, manims: list) -> None:
    assert [name for name, _ in ours] == [name for name, _ in manims]
    for (name, mine), (_, theirs) in zip(ours, manims):
        np.testing.assert_allclose(mine, theirs, atol=1e-9, err_msg=name)


@pytest.fixture(scope="module")
def scene_parts():
    """A small surface with visible axes (shaded in 3D too, so they interleave with the faces),
    one face the batch must decline (stroked), a flat dot and a fixed-in-frame label."""
    with tempconfig({"pixel_width": 256, "pixel_height": 144}):
        surface = LossSurface(get_landscape("himmelblau"), resolution=6, width=5.0, show_axes=True)
        surface.surface[7].set_stroke(width=2)
        yield surface, Dot(UP), Text("fixed").to_corner(LEFT + UP)


def test_batch_issues_manims_cairo_commands_in_manims_order(scene_parts):
    surface, dot, label = scene_parts
    with tempconfig({"pixel_width": 256, "pixel_height": 144}):
        manims, _ = recorded(ThreeDCamera, [surface, dot, label], fixed=[label])
        ours, camera = recorded(SurfaceCamera, [surface, dot, label], fixed=[label])
        family = camera.get_mobjects_to_display([surface, dot, label])
        batched = camera.face_paint(camera.gather_faces(family)).rows
    assert len(batched) == len(surface.surface) - 1  # every face but the stroked one took the fast path
    assert_same_calls(ours, manims)


def test_depth_order_matches_manims_sort(scene_parts):
    surface, dot, label = scene_parts
    with tempconfig({"pixel_width": 256, "pixel_height": 144}):
        for theta in (-90, -50, 30, 145):  # -90: a symmetric view, with ties in depth
            manims, ours = ThreeDCamera(), SurfaceCamera()
            for camera in (manims, ours):
                camera.set_phi(70 * DEGREES)
                camera.set_theta(theta * DEGREES)
                camera.reset_rotation_matrix()
            mobjects = [dot, surface, Square()]
            assert ours.get_mobjects_to_display(mobjects) == manims.get_mobjects_to_display(mobjects)


def test_stroked_faces_and_unshaded_cameras_fall_back_to_manim(scene_parts):
    surface, _, _ = scene_parts
    with tempconfig({"pixel_width": 256, "pixel_height": 144}):
        camera = SurfaceCamera(should_apply_shading=False)
        calls, _ = recorded(lambda: camera, [surface])
        manims, _ = recorded(lambda: ThreeDCamera(should_apply_shading=False), [surface])
    assert_same_calls(calls, manims)


def test_still_with_surface_and_tracers_matches_manims_frame(monkeypatch):
    ours = render_still(compose_surface_with_tracers)
    monkeypatch.setattr(lesson, "SurfaceCamera", ThreeDCamera)
    manims = render_still(compose_surface_with_tracers)
    diff = np.abs(ours.astype(int) - manims.astype(int))
    assert (manims != manims[0, 0]).any(axis=-1).mean() > 0.1  # the surface covers a good part of the still
    assert diff.mean() < 0.05 and diff.max() <= 2

