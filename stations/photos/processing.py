"""Station photos: check an upload, then re-encode it as a clean full-size image and a thumbnail.

``process_photo`` is a pure function of the uploaded bytes (no models, no storage, no settings):
the upload endpoint calls it, then saves the two results under ``photo_storage_names``.

What it does, and why:
- The format is judged by the content (Pillow's parsers, restricted to JPEG, PNG and WebP),
  never by the file name or the client's content type. Other formats are refused, naming what
  was received (HEIC, GIF, PDF ...) when its signature says so.
- Size limits hold before any pixel is decoded: the byte size first, then width x height from
  the header. Pillow's own decompression-bomb check (``Image.MAX_IMAGE_PIXELS``, a process-wide
  setting we neither rely on nor change) becomes the same refusal if it fires first.
- EXIF orientation is applied, then every piece of metadata is dropped (EXIF with the GPS
  position of a manager's phone, XMP, comments, ICC): only pixels are re-encoded. An embedded
  ICC profile is honoured first, by converting the pixels to sRGB with LittleCMS (ImageCms);
  if the profile is unusable the pixels are kept as they are and the profile dropped.
- Transparency is flattened onto white; images are never upscaled.
- Output is WebP (quality 82): about a third smaller than JPEG at the same visual quality,
  decoded by every browser and WebView riders and managers use (Android 4+, iOS 14+), and
  Pillow writes no metadata into it unless asked.
"""

import io
import struct
import uuid
import zlib
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from stations.errors import BadRequest, PayloadTooLarge

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 MP: above any phone camera's full resolution (a 48 MP sensor bins to 12 MP)
FULL_MAX_PX = 1600  # long side of the full-size image
THUMB_MAX_PX = 320  # long side of the thumbnail
WEBP_QUALITY = 82
CONTENT_TYPE = "image/webp"
EXTENSION = "webp"
ALLOWED = "JPEG, PNG or WebP"
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP")  # the parsers Image.open may try; MPO is a JPEG (below)
_ACCEPTED = {"JPEG", "MPO", "PNG", "WEBP"}  # MPO: multi-picture JPEG from many phone cameras
_WHITE = (255, 255, 255)
# What Pillow raises on a damaged or hostile file, at open or while decoding.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError)

# File signatures, to name what was received when it is not allowed.
_SIGNATURES = (
    (0, b"\xff\xd8\xff", "JPEG"),
    (0, b"\x89PNG\r\n\x1a\n", "PNG"),
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"BM", "BMP"),
    (0, b"%PDF", "PDF"),
    (0, b"8BPS", "Photoshop PSD"),
    (4, b"ftypheic", "HEIC (an iPhone photo: set Settings > Camera > Formats > Most Compatible, or share it as JPEG)"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
)


class PhotoRejected(BadRequest):
    """The upload is not a photo we accept; the message says what was received and what is allowed."""


class PhotoTooLarge(PhotoRejected, PayloadTooLarge):
    """A photo over MAX_UPLOAD_BYTES (413)."""


@dataclass(frozen=True)
class ProcessedPhoto:
    """Two re-encoded images without metadata; sizes in pixels."""

    full: bytes
    thumb: bytes
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    content_type: str = CONTENT_TYPE
    extension: str = EXTENSION


def check_upload_size(size_bytes: int) -> None:
    """PhotoTooLarge over 10 MB; callers with a file object check before reading it."""
    if size_bytes > MAX_UPLOAD_BYTES:
        raise PhotoTooLarge(
            f"the photo is {size_bytes} bytes; the limit is {MAX_UPLOAD_BYTES // 1024 // 1024} MB ({MAX_UPLOAD_BYTES} bytes)"
        )


def process_photo(data: bytes) -> ProcessedPhoto:
    """A full-size image (long side <= FULL_MAX_PX) and a thumbnail (<= THUMB_MAX_PX) of an
    uploaded JPEG, PNG or WebP, upright and without metadata; PhotoRejected on anything else."""
    check_upload_size(len(data))
    if not data:
        raise PhotoRejected(f"the photo is empty; send a {ALLOWED} image")
    image = _open(data)
    try:
        full = _upright_srgb(image, data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_too_many_pixels(image.size)) from None
    except _UNREADABLE as exc:
        raise PhotoRejected(f"the {_kind(data)} image is truncated or damaged ({exc}); send it again") from None
    finally:
        image.close()
    full.thumbnail((FULL_MAX_PX, FULL_MAX_PX), Image.Resampling.LANCZOS)
    thumb = full.copy()
    thumb.thumbnail((THUMB_MAX_PX, THUMB_MAX_PX), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        full=_webp(full),
        thumb=_webp(thumb),
        width=full.width,
        height=full.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
    )


def photo_storage_names(station_id: int, photo_uuid: uuid.UUID | str) -> tuple[str, str]:
    """(full, thumbnail) names for Django's storage API, e.g.
    ("stations/42/<uuid>.webp", "stations/42/<uuid>_thumb.webp").

    >>> photo_storage_names(42, "0b7e3bd5-3f43-4c8a-9b59-7a2c8b1c0d11")[1]
    'stations/42/0b7e3bd5-3f43-4c8a-9b59-7a2c8b1c0d11_thumb.webp'
    """
    if isinstance(station_id, bool) or not isinstance(station_id, int) or station_id <= 0:
        raise ValueError(f"station_id must be a positive integer, got {station_id!r}")
    name = str(uuid.UUID(str(photo_uuid)))  # normalised; nothing else can reach the path
    return f"stations/{station_id}/{name}.{EXTENSION}", f"stations/{station_id}/{name}_thumb.{EXTENSION}"


def _kind(data: bytes) -> str:
    for offset, signature, name in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        return "SVG/XML"
    if head.startswith((b"<!doctype html", b"<html")):
        return "HTML"
    return "unrecognised"


def _too_many_pixels(size: tuple[int, int]) -> str:
    width, height = size
    return (
        f"the photo is {width}x{height} pixels ({width * height / 1e6:.1f} megapixels);"
        f" the limit is {MAX_PIXELS / 1e6:.0f} megapixels"
    )


def _open(data: bytes) -> Image.Image:
    """The image with only its header read, after the format and pixel-count checks."""
    try:
        image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # the warning when raised as an error
        # Pillow refuses sizes far past its own limit before we see them; say ours.
        raise PhotoRejected(f"the photo has too many pixels ({exc}); the limit is {MAX_PIXELS / 1e6:.0f} megapixels") from None
    except UnidentifiedImageError:
        raise PhotoRejected(_not_allowed(data)) from None
    except _UNREADABLE as exc:
        raise PhotoRejected(f"the {_kind(data)} image is truncated or damaged ({exc}); send it again") from None
    if image.format not in _ACCEPTED:  # defensive: Image.open was limited to these formats
        image.close()
        raise PhotoRejected(f"received a {image.format} image; send a {ALLOWED} image")
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise PhotoRejected(_too_many_pixels(image.size))
    return image


def _not_allowed(data: bytes) -> str:
    kind = _kind(data)
    if kind in ("JPEG", "PNG", "WebP"):
        return f"the file starts like a {kind} image but cannot be read: it is truncated or damaged; send it again"
    if kind == "unrecognised":
        return f"the file is not an image we can read; send a {ALLOWED} image"
    return f"received a {kind} file; send a {ALLOWED} image"


def _upright_srgb(image: Image.Image, data: bytes) -> Image.Image:
    """Decoded, turned upright, in sRGB, flattened on white: an RGB image with no metadata."""
    icc = image.info.get("icc_profile")
    if image.format in ("JPEG", "MPO"):
        # Decode at 1/2, 1/4 or 1/8 scale when the result still exceeds FULL_MAX_PX on its long
        # side: libjpeg's DCT scaling is several times faster than decoding in full.
        long_side = max(image.size)
        if long_side > FULL_MAX_PX:
            image.draft(None, (-(-image.width * FULL_MAX_PX // long_side), -(-image.height * FULL_MAX_PX // long_side)))
    image.load()
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in upright.info
    if upright.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit/float PNG: to 8 bits, not clipped
        upright = upright.convert("F").point(lambda v: v / 257).convert("L") if upright.mode != "F" else upright.convert("L")
    pixels = upright.convert("RGBA" if has_alpha else ("CMYK" if upright.mode == "CMYK" else "RGB"))
    if icc:
        pixels = _to_srgb(pixels, icc)
    if pixels.mode == "RGBA":
        background = Image.new("RGBA", pixels.size, (*_WHITE, 255))
        pixels = Image.alpha_composite(background, pixels)
    clean = pixels.convert("RGB")
    clean.info.clear()  # encoders are given nothing but pixels; the info goes for good measure
    return clean


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unusable profile: keep the pixels as they are, drop the profile


def _webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()
