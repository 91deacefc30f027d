"""SurfaceCamera: manim's ThreeDCamera, drawing a LossSurface's faces as one numpy batch.

manim draws a 3D VMobject face by face in Python: a depth key, a shade, a projection, a path and
a gradient per face, so a 576-face surface costs ~120 ms a 720p frame while the camera moves.
Here the faces' depth keys, projections and shades are computed for all of them at once with
numpy and only the Cairo calls stay per face (~20 ms, nearly all of it Cairo filling pixels).
Everything else, and any face this path cannot reproduce exactly (stroked, fixed in frame,
split or non-finite outline...), is drawn by manim, in manim's order; the picture is the same
(tests/test_camera.py).
"""

from __future__ import annotations

import itertools as it
from dataclasses import dataclass

import cairo
import numpy as np
from manim.camera.three_d_camera import ThreeDCamera
from manim.utils.space_ops import get_unit_normal

from gdanim.visual.surface import SurfaceFace

POINTS = 16  # a face: four cubic sides (anchor, handle, handle, anchor) closing on its start
START_CORNER, END_CORNER = 0, ((POINTS - 1) // 6) * 3  # manim's get_3d_vmob_{start,end}_corner_index
ANCHORS = np.array([0, 3, 4, 7, 8, 11, 12, 15])  # the points manim bounds a face's centre by
SIDE_ENDS, SIDE_STARTS = np.array([3, 7, 11]), np.array([4, 8, 12])  # must meet for one closed path
RTOL = 1.0e-5  # np.isclose's, as manim's point-equality tests use


def is_face(mob) -> bool:
    """Whether ``mob`` is a LossSurface face, which the batch may draw."""
    return isinstance(mob, SurfaceFace)


@dataclass
class Faces:
    """The batchable faces of a frame: ``members[k]`` has ``points[k]`` (16, 3) and one fill
    colour ``rgbas[k]``; ``tolerance[k]`` is its point-equality tolerance."""

    members: list
    points: np.ndarray
    rgbas: np.ndarray
    tolerance: np.ndarray

    def __len__(self):
        return len(self.members)

    def subset(self, keep: np.ndarray) -> Faces:
        return Faces([m for m, k in zip(self.members, keep) if k], self.points[keep], self.rgbas[keep],
                     self.tolerance[keep])


class SurfaceCamera(ThreeDCamera):
    """A ThreeDCamera whose marked surface faces are sorted, shaded and projected in one batch."""

    def get_mobjects_to_display(self, *args, **kwargs) -> list:
        """manim's list (families, z_index) sorted by manim's depth key, computed in one go for faces."""
        family = super(ThreeDCamera, self).get_mobjects_to_display(*args, **kwargs)
        return self._depth_sorted(family, self.gather_faces(family))

    def capture_mobjects(self, mobjects, **kwargs) -> None:
        """Draw as manim does, but each run of batchable faces in one tight Cairo loop."""
        if not self.should_apply_shading:  # the batch reproduces manim's shaded gradients only
            return super().capture_mobjects(mobjects, **kwargs)
        self.reset_rotation_matrix()
        family = super(ThreeDCamera, self).get_mobjects_to_display(mobjects, **kwargs)
        faces = self.gather_faces(family)
        ordered = self._depth_sorted(family, faces)
        paint = self.face_paint(faces)
        for fast, run in it.groupby(ordered, key=lambda mob: id(mob) in paint.rows):
            if fast:
                paint.fill(self.get_cairo_context(self.pixel_array), [paint.rows[id(mob)] for mob in run])
            else:
                for group_type, group in it.groupby(run, self.type_or_raise):
                    self.display_funcs[group_type](list(group), self.pixel_array)

    def gather_faces(self, family: list) -> Faces:
        """The faces of ``family`` whose drawing the batch can reproduce: marked, 16 points, one
        fill colour, no stroke, no background image, drawn in 3D (not fixed in frame or
        orientation), depth taken from their own centre."""
        members = [mob for mob in family if is_face(mob) and self._batchable(mob)]
        if not members:
            return Faces([], np.zeros((0, POINTS, 3)), np.zeros((0, 4)), np.zeros(0))
        return Faces(members, np.stack([m.points for m in members]),
                     np.concatenate([m.fill_rgbas for m in members]),
                     np.array([m.tolerance_for_point_equality for m in members]))

    def _batchable(self, mob) -> bool:
        """Whether manim would draw ``mob`` as exactly one gradient fill (see gather_faces)."""
        return (len(mob.points) == POINTS and len(mob.fill_rgbas) == 1 and mob.shade_in_3d
                and mob.get_stroke_width() == 0 and mob.get_stroke_width(background=True) == 0
                and mob.get_background_image() is None and "z_index_group" not in vars(mob)
                and mob not in self.fixed_in_frame_mobjects and mob not in self.fixed_orientation_mobjects)

    def depth_keys(self, family: list, faces: Faces) -> np.ndarray:
        """manim's z_key for every mobject: z of its centre after rotation if shaded in 3D, else
        inf (drawn after, in list order). The batch's centres come from one min/max over anchors."""
        rot = self.get_rotation_matrix()
        anchors = faces.points[:, ANCHORS]
        face_keys = np.dot((anchors.min(axis=1) + anchors.max(axis=1)) / 2, rot.T)[:, 2]
        row = {id(mob): k for k, mob in enumerate(faces.members)}
        return np.array([face_keys[row[id(mob)]] if id(mob) in row else z_key(mob, rot) for mob in family])

    def _depth_sorted(self, family: list, faces: Faces) -> list:
        order = np.argsort(self.depth_keys(family, faces), kind="stable")  # sorted() is stable too
        return [family[k] for k in order]

    def face_paint(self, faces: Faces) -> FacePaint:
        """Projected outlines and shaded gradients of the faces that project to one closed,
        finite path (the rest go to manim), as ``FacePaint``."""
        finite = np.isfinite(faces.points).all(axis=(1, 2))
        faces = faces.subset(finite)
        # for finite points of mobjects not fixed in frame or orientation, this is what manim's
        # transform_points_pre_display does per face
        projected = self.project_points(faces.points.reshape(-1, 3)).reshape(faces.points.shape)
        closed = one_closed_path(projected[..., :2], faces.tolerance)
        faces, projected = faces.subset(closed), projected[closed]
        return FacePaint.build(faces, projected, self.shaded_stops(faces))

    def shaded_stops(self, faces: Faces) -> np.ndarray:
        """(F, 2, 4) gradient stops: the fill shaded at the start and end corners as manim's
        modified_rgbas (get_shaded_rgb with the corner's unit normal and the light source)."""
        light = self.light_source.points[0]
        stops = np.repeat(faces.rgbas[:, None], 2, axis=1)
        for column, corner in enumerate((START_CORNER, END_CORNER)):
            point = faces.points[:, corner]
            to_sun = light - point
            norms = np.linalg.norm(to_sun, axis=1, keepdims=True)
            to_sun = np.divide(to_sun, norms, out=np.zeros_like(to_sun), where=norms > 0)
            brightness = 0.5 * np.einsum("ij,ij->i", corner_normals(faces.points, corner), to_sun) ** 3
            stops[:, column, :3] += np.where(brightness < 0, 0.5 * brightness, brightness)[:, None]
        return stops


@dataclass
class FacePaint:
    """Per face, as plain floats for Cairo: the outline's 16 (x, y) points, the gradient line and
    its two colour stops (Cairo's BGR order, as manim's set_cairo_context_color passes them)."""

    outlines: list
    lines: list
    stops: list
    rows: dict  # id(face) -> row

    @classmethod
    def build(cls, faces: Faces, projected: np.ndarray, stops: np.ndarray) -> FacePaint:
        lines = projected[:, [START_CORNER, END_CORNER], :2].reshape(-1, 4)
        bgra = np.concatenate([stops[..., 2::-1], stops[..., 3:]], axis=-1)
        return cls(projected[..., :2].reshape(-1, 2 * POINTS).tolist(), lines.tolist(), bgra.tolist(),
                   {id(mob): k for k, mob in enumerate(faces.members)})

    def fill(self, ctx: cairo.Context, rows: list[int]) -> None:
        """Fill the faces ``rows`` in order, each with its two-stop linear gradient."""
        new_path, move_to, curve_to, close_path = ctx.new_path, ctx.move_to, ctx.curve_to, ctx.close_path
        set_source, fill, gradient = ctx.set_source, ctx.fill, cairo.LinearGradient
        for k in rows:
            xy, (start, end) = self.outlines[k], self.stops[k]
            new_path()
            move_to(xy[0], xy[1])
            curve_to(*xy[2:8])
            curve_to(*xy[10:16])
            curve_to(*xy[18:24])
            curve_to(*xy[26:32])
            close_path()
            pattern = gradient(*self.lines[k])
            pattern.add_color_stop_rgba(0.0, *start)
            pattern.add_color_stop_rgba(1.0, *end)
            set_source(pattern)
            fill()


def z_key(mob, rot: np.ndarray) -> float:
    """manim's ThreeDCamera depth key for one mobject (smaller is drawn first)."""
    if not getattr(mob, "shade_in_3d", False):
        return np.inf
    return np.dot(mob.get_z_index_reference_point(), rot.T)[2]


def one_closed_path(xy: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Per face (F, 16, 2), whether manim would draw it as one closed subpath: each side starts
    where the last ended and the last ends at the start (np.isclose, manim's tolerance)."""
    def close(a, b):
        return (np.abs(a - b) <= tolerance[:, None, None] + RTOL * np.abs(b)).all(axis=(1, 2))
    return close(xy[:, SIDE_ENDS], xy[:, SIDE_STARTS]) & close(xy[:, :1], xy[:, POINTS - 1:])


def corner_normals(points: np.ndarray, corner: int) -> np.ndarray:
    """(F, 3) manim's get_3d_vmob_unit_normal at point ``corner`` of each face: the unit normal
    of the sides to the anchors 3 points on and 3 back (wrapping as manim does)."""
    ahead = corner + 3 if corner < POINTS - 3 else 3
    behind = corner - 3 if corner > 2 else POINTS - 4
    v1, v2 = points[:, ahead] - points[:, corner], points[:, behind] - points[:, corner]
    div1, div2 = np.abs(v1).max(axis=1, keepdims=True), np.abs(v2).max(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        cross = np.cross(v1 / div1, v2 / div2)
        length = np.sqrt((cross ** 2).sum(axis=1, keepdims=True))
        normals = cross / length
    regular = (length[:, 0] > 1e-6) & (div1[:, 0] > 0) & (div2[:, 0] > 0)
    for k in np.flatnonzero(~regular):  # degenerate corners: manim's own fallbacks
        normals[k] = get_unit_normal(v1[k], v2[k])
    return normals
