# ruff: noqa: S311  (seeded, reproducible drawing randomness; nothing secret)
"""Pillow-drawn illustrations for the demo (there are no plant photographs).

They are honest drawings, not photos: each species gets its own leaf shape,
colour and habit, and each ``variant`` of a species is the same plant "shot"
again with another angle, zoom, background and light. Everything is derived
from a stable hash of the inputs, so the same call always draws the same
pixels (demo loading stays idempotent, tests can compare bytes).

Drawing is plain polygon work in a plant-local coordinate system that one
affine transform (zoom, rotation, mirror, offset) maps onto the canvas, which
keeps an 800 px image well under 100 ms.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

Colour = tuple[int, int, int]
Point = tuple[float, float]

__all__ = ["image_to_jpeg_bytes", "object_illustration", "plant_illustration"]


def _seed(*parts: object) -> int:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _clamp(value: float) -> int:
    return max(0, min(255, int(round(value))))


def _shade(colour: Colour, factor: float) -> Colour:
    return (
        _clamp(colour[0] * factor),
        _clamp(colour[1] * factor),
        _clamp(colour[2] * factor),
    )


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (
        _clamp(a[0] + (b[0] - a[0]) * t),
        _clamp(a[1] + (b[1] - a[1]) * t),
        _clamp(a[2] + (b[2] - a[2]) * t),
    )


def _jitter(rng: random.Random, colour: Colour, amount: int = 12) -> Colour:
    return (
        _clamp(colour[0] + rng.randint(-amount, amount)),
        _clamp(colour[1] + rng.randint(-amount, amount)),
        _clamp(colour[2] + rng.randint(-amount, amount)),
    )


@dataclass
class _Canvas:
    """Plant-local units (pot rim centre at 0,0; y grows downwards) to pixels."""

    draw: ImageDraw.ImageDraw
    origin: Point
    scale: float
    angle: float  # radians
    mirror: bool
    light: float  # multiplies every colour: the "exposure" of the shot
    warmth: float  # shifts colours towards yellow (tungsten) or blue (daylight)

    def point(self, x: float, y: float) -> Point:
        if self.mirror:
            x = -x
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        return (
            self.origin[0] + self.scale * (x * cos - y * sin),
            self.origin[1] + self.scale * (x * sin + y * cos),
        )

    def colour(self, colour: Colour) -> Colour:
        r, g, b = colour
        return (
            _clamp(r * self.light * (1 + self.warmth)),
            _clamp(g * self.light),
            _clamp(b * self.light * (1 - self.warmth)),
        )

    def polygon(self, points: Sequence[Point], fill: Colour) -> None:
        if len(points) >= 3:
            self.draw.polygon(
                [self.point(x, y) for x, y in points], fill=self.colour(fill)
            )

    def line(self, points: Sequence[Point], fill: Colour, width: float) -> None:
        self.draw.line(
            [self.point(x, y) for x, y in points],
            fill=self.colour(fill),
            width=max(1, int(round(width * self.scale))),
            joint="curve",
        )

    def ellipse(
        self, centre: Point, rx: float, ry: float, fill: Colour, tilt: float = 0.0
    ) -> None:
        cos, sin = math.cos(tilt), math.sin(tilt)
        points = []
        for step in range(20):
            a = 2 * math.pi * step / 20
            ex, ey = rx * math.cos(a), ry * math.sin(a)
            points.append(
                (centre[0] + ex * cos - ey * sin, centre[1] + ex * sin + ey * cos)
            )
        self.polygon(points, fill)


# --- leaf geometry ------------------------------------------------------------

Profile = Callable[[float], float]


def _profile_lanceolate(t: float) -> float:
    return math.sin(math.pi * t) ** 0.8 * (1 - 0.25 * t)


def _profile_ovate(t: float) -> float:
    return math.sin(math.pi * min(1.0, t**0.8)) ** 0.7


def _profile_heart(t: float) -> float:
    return math.sin(math.pi * (0.18 + 0.82 * t)) ** 0.75 * (1 - 0.15 * t)


def _profile_round(t: float) -> float:
    return math.sqrt(max(0.0, 1 - (2 * t - 1) ** 2))


def _profile_sword(t: float) -> float:
    return (0.55 + 0.45 * math.sin(math.pi * min(1.0, t * 1.6) / 2)) * (1 - t**4)


def _profile_ribbon(t: float) -> float:
    return 0.9 * (1 - t**2.5) + 0.1


def _profile_fiddle(t: float) -> float:
    waist = 1 - 0.3 * math.exp(-(((t - 0.35) / 0.12) ** 2))
    return math.sin(math.pi * min(1.0, t**0.65)) ** 0.6 * (0.55 + 0.55 * t) * waist


def _profile_spike(t: float) -> float:
    return (1 - t) ** 1.1


@dataclass
class _Leaf:
    base: Point
    angle: float  # radians, 0 = straight up
    length: float
    width: float  # half-width at the widest point
    bend: float  # sideways bow of the midrib, as a fraction of length
    profile: Profile
    samples: int = 14

    def axis(self, t: float) -> tuple[Point, Point]:
        """Point on the midrib at t and the unit normal there."""
        bx, by = self.base
        dx, dy = math.sin(self.angle), -math.cos(self.angle)
        nx, ny = -dy, dx
        tip = (bx + dx * self.length, by + dy * self.length)
        ctrl = (
            bx + dx * self.length * 0.5 + nx * self.bend * self.length,
            by + dy * self.length * 0.5 + ny * self.bend * self.length,
        )
        u = 1 - t
        px = u * u * bx + 2 * u * t * ctrl[0] + t * t * tip[0]
        py = u * u * by + 2 * u * t * ctrl[1] + t * t * tip[1]
        tx = 2 * u * (ctrl[0] - bx) + 2 * t * (tip[0] - ctrl[0])
        ty = 2 * u * (ctrl[1] - by) + 2 * t * (tip[1] - ctrl[1])
        norm = math.hypot(tx, ty) or 1.0
        return (px, py), (-ty / norm, tx / norm)

    def side(self, t: float, offset: float) -> Point:
        """A point at ``offset`` (-1..1 of the local half-width) across the leaf."""
        (px, py), (nx, ny) = self.axis(t)
        w = self.width * self.profile(t) * offset
        return (px + nx * w, py + ny * w)

    def outline(self, scale: float = 1.0, notch: float = 0.0) -> list[Point]:
        n = self.samples
        left = [self.side(i / n, -scale) for i in range(n + 1)]
        right = [self.side(i / n, scale) for i in range(n, -1, -1)]
        points = left + right
        if notch:
            (px, py), _ = self.axis(0.0)
            dx, dy = math.sin(self.angle), -math.cos(self.angle)
            points.append(
                (px + dx * notch * self.length, py + dy * notch * self.length)
            )
        return points


def _draw_leaf(
    canvas: _Canvas,
    leaf: _Leaf,
    colour: Colour,
    *,
    midrib: Colour | None = None,
    notch: float = 0.0,
    margin: Colour | None = None,
) -> None:
    if margin is not None:
        canvas.polygon(leaf.outline(1.0, notch), margin)
        canvas.polygon(leaf.outline(0.78, notch), colour)
    else:
        canvas.polygon(leaf.outline(1.0, notch), colour)
    if midrib is not None:
        canvas.line(
            [leaf.axis(i / 8)[0] for i in range(9)], midrib, max(1.5, leaf.width * 0.05)
        )


def _stem(
    canvas: _Canvas, points: Sequence[Point], colour: Colour, width: float
) -> None:
    canvas.line(points, colour, width)


# --- species styles -----------------------------------------------------------


@dataclass
class _Scene:
    canvas: _Canvas
    rng: random.Random
    background: Colour  # what shows through holes (monstera)


def _monstera(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    green = (34, 92, 44)
    for i in range(7):
        angle = math.radians(-70 + i * 23 + rng.uniform(-8, 8))
        stem_len = rng.uniform(160, 260)
        base = (math.sin(angle) * stem_len * 0.6, -math.cos(angle) * stem_len)
        _stem(c, [(0, 0), (base[0] * 0.5, base[1] * 0.6), base], (70, 110, 50), 6)
        leaf = _Leaf(
            base,
            angle + rng.uniform(-0.3, 0.3),
            rng.uniform(170, 230),
            rng.uniform(95, 125),
            rng.uniform(-0.08, 0.08),
            _profile_heart,
            samples=18,
        )
        _draw_leaf(c, leaf, _jitter(rng, green), midrib=(88, 140, 70), notch=0.08)
        # Fenestrations: slits cut from the margin towards the midrib, and
        # a row of holes beside it; both show the background through.
        for side in (-1, 1):
            for k in range(4):
                t = 0.22 + k * 0.17
                outer = leaf.side(t, side * 1.05)
                inner = leaf.side(t + 0.03, side * 0.45)
                c.polygon(
                    [outer, leaf.side(t + 0.06, side * 1.05), inner], scene.background
                )
                hole = leaf.side(t + 0.1, side * 0.28)
                c.ellipse(hole, leaf.width * 0.07, leaf.width * 0.04, scene.background)


def _pothos(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    green, gold = (46, 120, 48), (214, 200, 92)
    for vine in range(5):
        direction = -1 if vine % 2 else 1
        x, y = rng.uniform(-40, 40), rng.uniform(-20, 0)
        points = [(x, y)]
        for _step in range(6):
            x += direction * rng.uniform(25, 45)
            y += rng.uniform(10, 55) if vine < 3 else -rng.uniform(25, 50)
            points.append((x, y))
        _stem(c, points, (96, 130, 60), 4)
        for k, (px, py) in enumerate(points[1:]):
            # Leaves alternate along the vine.
            side = 1 if k % 2 else -1
            angle = math.radians(direction * rng.uniform(40, 100) * side)
            leaf = _Leaf(
                (px, py),
                angle,
                rng.uniform(60, 85),
                rng.uniform(32, 42),
                rng.uniform(-0.1, 0.1),
                _profile_heart,
            )
            _draw_leaf(c, leaf, _jitter(rng, green), notch=0.1)
            for _ in range(2):  # golden marbling
                t = rng.uniform(0.2, 0.7)
                off = rng.uniform(-0.6, 0.6)
                c.polygon(
                    [
                        leaf.side(t, off),
                        leaf.side(t + 0.15, off + 0.25),
                        leaf.side(t + 0.25, off - 0.1),
                    ],
                    _jitter(rng, gold, 15),
                )
            c.line([leaf.axis(i / 6)[0] for i in range(7)], (110, 150, 70), 1.5)


def _snake_plant(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for i in range(9):
        x = -90 + i * 22 + rng.uniform(-6, 6)
        leaf = _Leaf(
            (x, 0),
            math.radians(rng.uniform(-12, 12) + (x / 12)),
            rng.uniform(280, 430),
            rng.uniform(18, 26),
            rng.uniform(-0.05, 0.05),
            _profile_sword,
            samples=10,
        )
        _draw_leaf(c, leaf, _jitter(rng, (40, 86, 48), 8), margin=(206, 196, 90))
        for k in range(11):  # the grey-green cross-banding
            t = 0.06 + k * 0.08
            c.line(
                [leaf.side(t, -0.7), leaf.side(t + 0.02, 0), leaf.side(t, 0.7)],
                (112, 146, 100),
                2.5,
            )


def _spider_plant(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for i in range(26):
        angle = math.radians(rng.uniform(-80, 80))
        bend = 0.3 * (1 if angle > 0 else -1) * rng.uniform(0.4, 1.0)
        leaf = _Leaf(
            (rng.uniform(-15, 15), 0),
            angle,
            rng.uniform(170, 300),
            rng.uniform(8, 12),
            bend,
            _profile_ribbon,
            samples=12,
        )
        _draw_leaf(c, leaf, _jitter(rng, (66, 140, 60), 10))
        c.polygon(leaf.outline(0.35), (236, 238, 214))  # cream centre stripe
        if i % 9 == 0:  # a runner with a plantlet
            end = leaf.side(1.0, 0)
            for j in range(5):
                _draw_leaf(
                    c,
                    _Leaf(end, math.radians(-60 + j * 30), 40, 5, 0.1, _profile_ribbon),
                    (70, 146, 66),
                )


def _zz_plant(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for i in range(6):
        angle = math.radians(-35 + i * 14 + rng.uniform(-5, 5))
        length = rng.uniform(250, 380)
        stem = _Leaf(
            (rng.uniform(-20, 20), 0),
            angle,
            length,
            6,
            rng.uniform(-0.06, 0.06),
            lambda t: 1 - 0.4 * t,
        )
        c.polygon(stem.outline(), (60, 92, 40))
        for k in range(7):
            t = 0.3 + k * 0.1
            point = stem.axis(t)[0]
            for side in (-1, 1):
                leaflet = _Leaf(
                    point,
                    angle + side * math.radians(50 - k * 4),
                    62 - k * 3,
                    18,
                    side * 0.1,
                    _profile_ovate,
                )
                _draw_leaf(
                    c, leaflet, _jitter(rng, (24, 78, 34), 8), midrib=(40, 100, 46)
                )
                c.ellipse(
                    leaflet.side(0.45, -0.3), 6, 3, (120, 170, 110), leaflet.angle
                )  # gloss


def _fiddle_leaf(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    _stem(c, [(0, 0), (5, -150), (-5, -330), (0, -440)], (110, 86, 60), 12)
    for i in range(9):
        t = 0.25 + i * 0.085
        y = -440 * t
        side = -1 if i % 2 else 1
        angle = math.radians(side * rng.uniform(25, 70))
        leaf = _Leaf(
            (0, y),
            angle,
            rng.uniform(120, 160),
            rng.uniform(55, 70),
            rng.uniform(-0.05, 0.05),
            _profile_fiddle,
            samples=16,
        )
        _draw_leaf(c, leaf, _jitter(rng, (42, 100, 40), 10), midrib=(170, 190, 120))
        for k in range(4):  # pale side veins
            tt = 0.3 + k * 0.15
            c.line([leaf.side(tt, 0), leaf.side(tt + 0.1, 0.8)], (120, 160, 90), 1.5)
            c.line([leaf.side(tt, 0), leaf.side(tt + 0.1, -0.8)], (120, 160, 90), 1.5)


def _peace_lily(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for _ in range(12):
        angle = math.radians(rng.uniform(-60, 60))
        stem_len = rng.uniform(60, 120)
        base = (math.sin(angle) * stem_len, -math.cos(angle) * stem_len)
        _stem(c, [(0, 0), base], (60, 110, 50), 4)
        leaf = _Leaf(
            base,
            angle + rng.uniform(-0.2, 0.2),
            rng.uniform(150, 200),
            rng.uniform(30, 40),
            rng.uniform(-0.15, 0.15),
            _profile_lanceolate,
        )
        _draw_leaf(c, leaf, _jitter(rng, (22, 80, 36), 8), midrib=(60, 120, 60))
    for _ in range(3):  # white spathes with a cream spadix, on tall stalks
        angle = math.radians(rng.uniform(-25, 25))
        top = (math.sin(angle) * 300, -math.cos(angle) * 300)
        _stem(c, [(0, 0), top], (80, 130, 60), 4)
        spathe = _Leaf(
            top, angle + rng.uniform(-0.3, 0.3), 110, 34, 0.05, _profile_ovate
        )
        _draw_leaf(c, spathe, (246, 246, 238), midrib=(214, 222, 204))
        c.line([top, spathe.axis(0.45)[0]], (232, 220, 150), 10)


def _aloe(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for i in range(14):
        angle = math.radians(-75 + i * 11 + rng.uniform(-4, 4))
        leaf = _Leaf(
            (rng.uniform(-10, 10), 0),
            angle,
            rng.uniform(150, 240),
            rng.uniform(16, 22),
            rng.uniform(-0.1, 0.1),
            _profile_spike,
            samples=10,
        )
        _draw_leaf(c, leaf, _jitter(rng, (108, 150, 110), 8), midrib=(130, 170, 130))
        for k in range(6):  # white flecks and marginal teeth
            c.ellipse(
                leaf.side(0.1 + k * 0.12, rng.uniform(-0.5, 0.5)),
                3.5,
                2,
                (220, 232, 214),
            )
            c.polygon(
                [
                    leaf.side(0.1 + k * 0.13, 1.0),
                    leaf.side(0.14 + k * 0.13, 1.35),
                    leaf.side(0.16 + k * 0.13, 1.0),
                ],
                (200, 190, 140),
            )


def _peperomia(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for _ in range(16):
        angle = math.radians(rng.uniform(-85, 85))
        stem_len = rng.uniform(40, 130)
        base = (math.sin(angle) * stem_len, -math.cos(angle) * stem_len)
        _stem(c, [(0, 0), base], (120, 90, 70), 6)
        leaf = _Leaf(
            base,
            angle + rng.uniform(-0.4, 0.4),
            rng.uniform(70, 95),
            rng.uniform(32, 40),
            0,
            _profile_ovate,
        )
        _draw_leaf(c, leaf, _jitter(rng, (30, 96, 40), 8), midrib=(50, 120, 60))
        c.ellipse(
            leaf.side(0.55, -0.35),
            leaf.width * 0.3,
            leaf.width * 0.12,
            (90, 160, 100),
            leaf.angle,
        )


def _pilea(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    _stem(c, [(0, 0), (4, -120), (-3, -220)], (100, 120, 60), 8)
    for _ in range(18):
        sx, sy = rng.uniform(-3, 3), rng.uniform(-220, -30)
        angle = math.radians(rng.uniform(-110, 110))
        petiole = rng.uniform(70, 150)
        cx, cy = sx + math.sin(angle) * petiole, sy - math.cos(angle) * petiole
        _stem(c, [(sx, sy), (cx, cy)], (120, 150, 70), 2.5)
        radius = rng.uniform(34, 50)
        c.ellipse(
            (cx, cy),
            radius,
            radius * rng.uniform(0.75, 1.0),
            _jitter(rng, (60, 130, 50), 10),
            angle,
        )
        c.ellipse((cx, cy), 3, 3, (150, 190, 110))  # the peltate attachment point
        for k in range(6):
            a = k * math.pi / 3
            c.line(
                [
                    (cx, cy),
                    (cx + math.cos(a) * radius * 0.8, cy + math.sin(a) * radius * 0.6),
                ],
                (90, 150, 70),
                1,
            )


def _calathea(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for _ in range(8):
        angle = math.radians(rng.uniform(-60, 60))
        stem_len = rng.uniform(90, 190)
        base = (math.sin(angle) * stem_len, -math.cos(angle) * stem_len)
        _stem(c, [(0, 0), base], (80, 120, 70), 4)
        leaf = _Leaf(
            base,
            angle + rng.uniform(-0.3, 0.3),
            rng.uniform(150, 190),
            rng.uniform(70, 90),
            0,
            _profile_round,
            samples=16,
        )
        _draw_leaf(c, leaf, _jitter(rng, (48, 104, 60), 8), midrib=(200, 214, 190))
        for k in range(8):  # the silver feathered stripes
            t = 0.12 + k * 0.1
            for side in (-1, 1):
                c.polygon(
                    [
                        leaf.side(t, 0),
                        leaf.side(t + 0.06, side * 0.92),
                        leaf.side(t + 0.09, side * 0.92),
                        leaf.side(t + 0.03, 0),
                    ],
                    (176, 196, 170),
                )


def _fern(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for _ in range(14):
        angle = math.radians(rng.uniform(-85, 85))
        bend = 0.25 * (1 if angle > 0 else -1)
        frond = _Leaf((0, 0), angle, rng.uniform(200, 300), 2, bend, lambda t: 1.0)
        c.line([frond.axis(i / 10)[0] for i in range(11)], (90, 120, 60), 2.5)
        green = _jitter(rng, (70, 140, 56), 10)
        for k in range(18):
            t = 0.08 + k * 0.05
            point, normal = frond.axis(t)
            size = 26 * (1 - t) + 6
            for side in (-1, 1):
                tip = (
                    point[0] + normal[0] * side * size,
                    point[1] + normal[1] * side * size,
                )
                c.polygon([point, tip, frond.axis(min(1.0, t + 0.035))[0]], green)


def _hibiscus(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    _stem(c, [(0, 0), (-10, -180), (-40, -320)], (96, 80, 56), 8)
    _stem(c, [(-10, -180), (50, -300)], (96, 80, 56), 6)
    for _ in range(16):
        base = (rng.uniform(-90, 90), rng.uniform(-380, -80))
        leaf = _Leaf(
            base,
            math.radians(rng.uniform(-140, 140)),
            rng.uniform(60, 85),
            rng.uniform(26, 34),
            rng.uniform(-0.1, 0.1),
            _profile_ovate,
        )
        _draw_leaf(c, leaf, _jitter(rng, (34, 100, 40), 10), midrib=(60, 130, 60))
        for k in range(5):  # serrated margin
            t = 0.2 + k * 0.14
            for side in (-1, 1):
                c.polygon(
                    [
                        leaf.side(t, side),
                        leaf.side(t + 0.04, side * 1.15),
                        leaf.side(t + 0.08, side),
                    ],
                    (34, 100, 40),
                )
    red = (212, 40, 50)
    for _ in range(3):  # five-petalled flowers with a long staminal column
        cx, cy = rng.uniform(-90, 90), rng.uniform(-380, -200)
        turn = rng.uniform(0, math.pi)
        for p in range(5):
            a = turn + p * 2 * math.pi / 5
            petal = _Leaf((cx, cy), a, 70, 34, 0.05, _profile_ovate)
            _draw_leaf(c, petal, _jitter(rng, red, 12))
        c.ellipse((cx, cy), 12, 12, (140, 16, 40))
        c.line(
            [(cx, cy), (cx + math.cos(turn) * 55, cy + math.sin(turn) * 55)],
            (240, 200, 80),
            4,
        )


def _jade(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    trunk = (120, 100, 70)
    _stem(c, [(0, 0), (-6, -90), (4, -160)], trunk, 22)
    tips = []
    for i in range(5):
        angle = math.radians(-60 + i * 30 + rng.uniform(-8, 8))
        length = rng.uniform(110, 170)
        end = (4 + math.sin(angle) * length, -160 - math.cos(angle) * length)
        _stem(c, [(4, -150), end], trunk, 12)
        tips.append((end, angle))
    for (ex, ey), angle in tips:
        for _ in range(7):  # thick oval pads with red-tinged margins
            a = angle + rng.uniform(-1.2, 1.2)
            pad = _Leaf(
                (ex + rng.uniform(-10, 10), ey + rng.uniform(-10, 10)),
                a,
                rng.uniform(45, 60),
                rng.uniform(18, 24),
                0,
                _profile_ovate,
            )
            _draw_leaf(c, pad, _jitter(rng, (76, 130, 70), 8), margin=(170, 80, 60))
            c.ellipse(pad.side(0.5, -0.2), 6, 3, (130, 180, 120), pad.angle)


def _generic(scene: _Scene) -> None:
    c, rng = scene.canvas, scene.rng
    for _ in range(12):
        angle = math.radians(rng.uniform(-70, 70))
        leaf = _Leaf(
            (0, 0),
            angle,
            rng.uniform(140, 240),
            rng.uniform(22, 34),
            rng.uniform(-0.2, 0.2),
            _profile_lanceolate,
        )
        _draw_leaf(c, leaf, _jitter(rng, (50, 110, 50), 12), midrib=(80, 140, 70))


_STYLES: dict[str, Callable[[_Scene], None]] = {
    "monstera": _monstera,
    "epipremnum": _pothos,
    "scindapsus": _pothos,
    "pothos": _pothos,
    "dracaena trifasciata": _snake_plant,
    "sansevieria": _snake_plant,
    "chlorophytum": _spider_plant,
    "zamioculcas": _zz_plant,
    "ficus lyrata": _fiddle_leaf,
    "spathiphyllum": _peace_lily,
    "aloe": _aloe,
    "peperomia": _peperomia,
    "pilea": _pilea,
    "goeppertia": _calathea,
    "calathea": _calathea,
    "nephrolepis": _fern,
    "hibiscus": _hibiscus,
    "crassula": _jade,
}


def _style_for(scientific_name: str) -> Callable[[_Scene], None]:
    name = scientific_name.strip().lower()
    for key, style in _STYLES.items():
        if name == key or name.startswith(key + " "):
            return style
    return _generic


# --- the scene: background, pot, light --------------------------------------

_WALLS: list[Colour] = [
    (236, 230, 218),
    (214, 224, 230),
    (232, 222, 206),
    (200, 206, 196),
    (244, 240, 236),
    (222, 208, 196),
    (186, 196, 210),
    (60, 64, 70),  # a dark room
]
_SURFACES: list[Colour] = [
    (168, 128, 92),
    (206, 196, 182),
    (120, 96, 74),
    (232, 232, 228),
]
_POTS: list[Colour] = [
    (190, 100, 70),
    (236, 234, 228),
    (54, 58, 64),
    (196, 176, 140),
    (120, 150, 160),
]


def _background(
    draw: ImageDraw.ImageDraw, width: int, height: int, rng: random.Random
) -> Colour:
    wall = _WALLS[rng.randrange(len(_WALLS))]
    top, bottom = (
        _shade(wall, rng.uniform(1.0, 1.12)),
        _shade(wall, rng.uniform(0.78, 0.92)),
    )
    horizon = int(height * rng.uniform(0.68, 0.86))
    bands = 24
    for i in range(bands):
        y0, y1 = horizon * i // bands, horizon * (i + 1) // bands
        draw.rectangle([0, y0, width, y1], fill=_mix(top, bottom, i / bands))
    if rng.random() < 0.5:  # a window's light patch on the wall
        x = rng.uniform(0.05, 0.6) * width
        draw.polygon(
            [
                (x, 0),
                (x + width * 0.3, 0),
                (x + width * 0.45, horizon),
                (x + width * 0.15, horizon),
            ],
            fill=_shade(top, 1.08),
        )
    surface = _SURFACES[rng.randrange(len(_SURFACES))]
    draw.rectangle([0, horizon, width, height], fill=surface)
    draw.line([(0, horizon), (width, horizon)], fill=_shade(surface, 0.8), width=3)
    for _ in range(120):  # grain, so the "photo" is not flat colour
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        base = top if y < horizon else surface
        draw.point((x, y), fill=_shade(base, rng.uniform(0.85, 1.1)))
    return _mix(top, bottom, 0.4)


def _pot(canvas: _Canvas, colour: Colour, style: int) -> None:
    if style == 0:  # tapered terracotta-like pot with a rim
        canvas.polygon([(-110, 10), (110, 10), (85, 190), (-85, 190)], colour)
        canvas.polygon(
            [(-120, -8), (120, -8), (118, 30), (-118, 30)], _shade(colour, 1.1)
        )
    elif style == 1:  # straight cylinder
        canvas.polygon([(-100, -5), (100, -5), (100, 180), (-100, 180)], colour)
        canvas.polygon(
            [(-100, -5), (100, -5), (100, 12), (-100, 12)], _shade(colour, 0.85)
        )
    else:  # round belly
        canvas.ellipse((0, 90), 120, 100, colour)
        canvas.polygon([(-90, -8), (90, -8), (90, 20), (-90, 20)], _shade(colour, 1.08))
    canvas.polygon([(-95, -6), (95, -6), (92, 6), (-92, 6)], (74, 56, 40))  # soil


def plant_illustration(
    scientific_name: str, *, variant: int = 0, size: int = 800
) -> Image.Image:
    """A square RGB drawing of the species; ``variant`` is another "shot" of it.

    The plant itself (leaf count, shapes, colours) depends only on the name;
    the variant changes the camera: zoom, rotation, mirror, framing, room,
    pot and light.
    """
    shot = random.Random(_seed("shot", scientific_name, variant))
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    background = _background(draw, size, size, shot)
    zoom = shot.uniform(0.72, 1.12)
    canvas = _Canvas(
        draw=draw,
        origin=(size * shot.uniform(0.4, 0.6), size * shot.uniform(0.66, 0.8)),
        scale=size / 800 * zoom,
        angle=math.radians(shot.uniform(-9, 9)),
        mirror=shot.random() < 0.5,
        light=shot.uniform(0.8, 1.12),
        warmth=shot.uniform(-0.06, 0.08),
    )
    if variant % 4 != 3:  # every fourth shot is a close-up without the pot
        _pot(canvas, _POTS[shot.randrange(len(_POTS))], shot.randrange(3))
    else:
        canvas.scale *= 1.5
        canvas.origin = (canvas.origin[0], size * 0.95)
    # Same plant every time: the plant's own generator ignores the variant.
    plant = random.Random(_seed("plant", scientific_name.strip().lower()))
    _style_for(scientific_name)(_Scene(canvas, plant, canvas.colour(background)))
    return image


# --- objects: pots, tools, banners -------------------------------------------


def _object_pot(c: _Canvas, rng: random.Random, colour: Colour) -> None:
    _pot(c, colour, rng.randrange(3))
    c.polygon(
        [(-80, 190), (80, 190), (86, 205), (-86, 205)], _shade(colour, 0.7)
    )  # shadow/saucer
    for k in range(rng.randrange(0, 4)):  # painted bands
        y = 40 + k * 35
        c.line([(-100 + k * 4, y), (100 - k * 4, y)], _shade(colour, 0.75), 6)


def _object_watering_can(c: _Canvas, rng: random.Random, colour: Colour) -> None:
    c.polygon([(-120, -40), (80, -40), (90, 160), (-130, 160)], colour)
    c.polygon(
        [(80, 80), (230, -90), (245, -80), (95, 110)], _shade(colour, 0.9)
    )  # spout
    c.ellipse((238, -88), 20, 10, _shade(colour, 0.8), math.radians(-40))
    c.line([(-100, -40), (-60, -140), (40, -140), (60, -40)], _shade(colour, 0.7), 14)


def _object_tool(c: _Canvas, rng: random.Random, colour: Colour) -> None:
    # A trowel: wooden handle, pointed steel blade.
    c.polygon([(-20, -260), (20, -260), (16, -90), (-16, -90)], (150, 110, 70))
    c.polygon([(-8, -90), (8, -90), (8, -40), (-8, -40)], (150, 150, 156))
    c.polygon([(-70, -40), (70, -40), (60, 60), (0, 200), (-60, 60)], (186, 190, 196))
    c.line([(0, -40), (0, 170)], (150, 154, 160), 4)
    c.ellipse((0, -200), 14, 40, colour)  # painted grip band


def _object_bag(c: _Canvas, rng: random.Random, colour: Colour) -> None:
    # Soil or feed: a printed bag with a leaf badge.
    c.polygon([(-130, -200), (130, -200), (140, 190), (-140, 190)], colour)
    c.polygon(
        [(-130, -200), (130, -200), (120, -170), (-120, -170)], _shade(colour, 0.8)
    )
    c.ellipse((0, -20), 70, 70, (240, 236, 220))
    _draw_leaf(
        c,
        _Leaf((0, 30), 0.3, 90, 30, 0.05, _profile_lanceolate),
        (60, 130, 60),
        midrib=(40, 90, 40),
    )


def _object_banner(c: _Canvas, rng: random.Random, colour: Colour) -> None:
    # A shelf of silhouetted plants: hero images for pages.
    c.polygon([(-900, 0), (900, 0), (900, 30), (-900, 30)], _shade(colour, 0.6))
    for k in range(7):
        x = -600 + k * 200 + rng.uniform(-30, 30)
        pot = _shade(_POTS[rng.randrange(len(_POTS))], 1.0)
        c.polygon([(x - 50, -90), (x + 50, -90), (x + 40, 0), (x - 40, 0)], pot)
        for _ in range(rng.randint(5, 9)):
            leaf = _Leaf(
                (x, -90),
                math.radians(rng.uniform(-60, 60)),
                rng.uniform(80, 200),
                rng.uniform(10, 30),
                rng.uniform(-0.2, 0.2),
                [_profile_lanceolate, _profile_heart, _profile_sword, _profile_round][
                    k % 4
                ],
            )
            _draw_leaf(c, leaf, _jitter(rng, (50, 112, 54), 18))


_OBJECTS: dict[str, Callable[[_Canvas, random.Random, Colour], None]] = {
    "pot": _object_pot,
    "planter": _object_pot,
    "watering-can": _object_watering_can,
    "watering_can": _object_watering_can,
    "tool": _object_tool,
    "trowel": _object_tool,
    "soil": _object_bag,
    "feed": _object_bag,
    "fertiliser": _object_bag,
    "bag": _object_bag,
    "hero": _object_banner,
    "banner": _object_banner,
}
_WIDE = {"hero", "banner"}
_OBJECT_ZOOM = {"watering-can": 1.2, "watering_can": 1.2, "tool": 1.3, "trowel": 1.3}


def object_illustration(
    title: str, *, kind: str, variant: int = 0, size: int = 800
) -> Image.Image:
    """A drawing of a non-plant thing: ``kind`` is pot/planter, watering-can,
    tool/trowel, soil/feed/fertiliser/bag, or hero/banner.

    Hero and banner images are wide (``size`` x ``size // 2``); the rest are
    square. The colour scheme comes from ``title``; unknown kinds draw a pot.
    """
    kind_key = kind.strip().lower()
    width, height = (size, size // 2) if kind_key in _WIDE else (size, size)
    rng = random.Random(_seed("object", kind_key, title, variant))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    _background(draw, width, height, rng)
    palette = random.Random(_seed("object-colour", title))
    colour = _POTS[palette.randrange(len(_POTS))]
    colour = _jitter(palette, colour, 20)
    wide = kind_key in _WIDE
    canvas = _Canvas(
        draw=draw,
        origin=(width * rng.uniform(0.45, 0.55), height * (0.85 if wide else 0.5)),
        scale=(height / 500 if wide else size / 800 * _OBJECT_ZOOM.get(kind_key, 1.6))
        * rng.uniform(0.85, 1.05),
        angle=math.radians(0 if wide else rng.uniform(-6, 6)),
        mirror=rng.random() < 0.5,
        light=rng.uniform(0.9, 1.08),
        warmth=rng.uniform(-0.04, 0.06),
    )
    _OBJECTS.get(kind_key, _object_pot)(canvas, rng, colour)
    return image


def image_to_jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
