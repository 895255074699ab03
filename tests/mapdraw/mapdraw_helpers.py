"""What the mapdraw tests share: a plain white canvas, and decoding PNGs to read their pixels."""

import io

import numpy as np
from PIL import Image

from mapdraw.canvas import MapCanvas

NANSHAN_BOUNDS = (113.85, 22.45, 114.0, 22.6)
RED = (220, 20, 20)
WHITE = (255, 255, 255)


def decode(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def pixel(img: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    return img.getpixel((int(x), int(y)))[:3]


def close(a, b, tolerance=12) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def plain_canvas(bounds=NANSHAN_BOUNDS, width_px=400, **kw) -> MapCanvas:
    return MapCanvas(bounds, width_px, background=WHITE, **kw)


def ink_in(img: Image.Image, box_px, background=WHITE) -> int:
    x0, y0, x1, y1 = (int(v) for v in box_px)
    patch = np.asarray(img.crop((x0, y0, x1, y1))).astype(int)
    return int((np.abs(patch - background).max(axis=2) > 100).sum())
