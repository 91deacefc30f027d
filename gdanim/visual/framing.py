"""Framing 3D mobjects: scale and shift one so the 3D camera shows it inside a box of the frame.

A surface's on-screen extent depends on the camera angles (a saddle seen from a corner is
taller than a bowl seen from the side); fitting after the angles are set keeps every view
between the heading and the captions without hand-tuned shifts.
"""

from __future__ import annotations

import numpy as np
from manim import ORIGIN, Mobject
from manim.camera.three_d_camera import ThreeDCamera


def screen_bounds(mobject: Mobject, camera: ThreeDCamera) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left and upper-right (x, y) frame coordinates of the mobject as ``camera`` draws it."""
    camera.reset_rotation_matrix()  # the camera refreshes it per frame; angles may have just changed
    projected = camera.project_points(mobject.get_all_points())[:, :2]
    return projected.min(axis=0), projected.max(axis=0)


def fit_to_screen(mobject: Mobject, camera: ThreeDCamera, *, width: float, height: float,
                  center=ORIGIN, measure: Mobject | None = None, iterations: int = 4) -> Mobject:
    """Scale ``mobject`` about its centre and shift it in 3D so that ``measure`` (default: the
    mobject itself) fills a ``width`` x ``height`` box centred at ``center`` on screen.

    Shifts follow the camera's screen axes, so the view angle is unchanged; perspective makes
    one step approximate, so a few iterations refine it.
    """
    measure = mobject if measure is None else measure
    target = np.asarray(center, dtype=float)[:2]
    for _ in range(iterations):
        low, high = screen_bounds(measure, camera)
        size = np.maximum(high - low, 1e-9)
        mobject.scale(min(width / size[0], height / size[1]))
        low, high = screen_bounds(measure, camera)
        offset = (target - (low + high) / 2) / camera.get_zoom()
        # screen right/up are the first two rows of the world -> camera rotation
        mobject.shift(camera.get_rotation_matrix().T @ np.array([offset[0], offset[1], 0.0]))
    return mobject


def hidden_points(surface, camera: ThreeDCamera, points, *, clearance: float = 0.05,
                  samples: int = 200) -> np.ndarray:
    """Per scene point on or above ``surface`` (a LossSurface), whether the surface lies between
    it and ``camera``'s eye. Cairo draws trails and balls over the surface, so a hidden trail
    would show through a hill: pick camera angles for which this is all False.

    The sight line from each point to the eye is sampled (from ``clearance`` away, so a point
    is not hidden by the face it lies on) and compared with the surface height below it.
    """
    camera.reset_rotation_matrix()
    eye = np.asarray(camera.frame_center) + camera.get_rotation_matrix().T @ [0.0, 0.0, camera.get_focal_distance()]
    land = surface.land
    (x0, x1), (y0, y1) = land.domain
    origin = np.asarray(surface.axes.c2p(x0, y0, 0.0))
    unit = np.asarray(surface.axes.c2p(x1, y1, 1.0)) - origin  # scene extent of the unit box
    points = np.atleast_2d(np.asarray(points, dtype=float))
    sight = eye - points  # (n, 3)
    t = np.linspace(0.0, 1.0, samples)[None, :, None] + clearance / np.linalg.norm(sight, axis=1)[:, None, None]
    box = (points[:, None, :] + t * sight[:, None, :] - origin) / unit  # (n, samples, 3) in the unit box
    inside = np.all((box[..., :2] >= 0) & (box[..., :2] <= 1), axis=-1) & (t[..., 0] <= 1)
    xy = np.stack([x0 + box[..., 0] * (x1 - x0), y0 + box[..., 1] * (y1 - y0)], axis=-1)
    with np.errstate(all="ignore"):
        below = surface.heights(land.value(xy.reshape(-1, 2))).reshape(xy.shape[:2]) > box[..., 2]
    return np.any(inside & below, axis=1)
