"""process_photo and photo_storage_names: real images built here with Pillow, checked by re-opening the output."""

import io
import random
import struct
import uuid
import zlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms, ImageFile

from stations.errors import BadRequest
from stations.photos.processing import (
    FULL_MAX_PX,
    MAX_UPLOAD_BYTES,
    THUMB_MAX_PX,
    PhotoRejected,
    photo_storage_names,
    process_photo,
)

RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def webp_chunks(data: bytes) -> list[bytes]:
    """The RIFF chunk ids of a WebP file: metadata would show as EXIF, XMP , ICCP (under VP8X)."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, at = [], 12
    while at < len(data):
        fourcc, size = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        chunks.append(fourcc)
        at += 8 + size + (size & 1)
    return chunks


def close_to(pixel, colour, tolerance=24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def phone_jpeg() -> bytes:
    """A 300x200 JPEG as a phone stores it: sideways (EXIF orientation 6), with GPS, XMP, a
    comment and an ICC profile. Red marks the stored top-left corner, blue the top-right."""
    image = Image.new("RGB", (300, 200), WHITE)
    image.paste(RED, (0, 0, 60, 60))
    image.paste(BLUE, (240, 0, 300, 60))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "YizhanPhone"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (22.0, 32.0, 35.0)}
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(image, "JPEG", quality=95, exif=exif, icc_profile=srgb, comment=b"Futian",
                  xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><gps>22.54,114.05</gps></x:xmpmeta>')


def patch_png_size(data: bytes, width: int, height: int) -> bytes:
    """The PNG with its IHDR claiming another size (and a correct CRC): a header-only bomb."""
    assert data[12:16] == b"IHDR"
    ihdr = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return data[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + data[33:]


def patch_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    at = data.index(b"\xff\xc0")  # SOF0: length(2) precision(1) height(2) width(2)
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


def test_it_turns_a_sideways_phone_photo_upright_and_strips_every_piece_of_metadata():
    data = phone_jpeg()
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo) and "xmp" in source.info  # the test input has them

    photo = process_photo(data)

    full = reopen(photo.full)
    assert (photo.width, photo.height, full.size) == (200, 300, (200, 300))
    # Rotated 90 degrees clockwise: the stored top-left lands top-right, the stored top-right bottom-right.
    assert close_to(full.getpixel((170, 30)), RED)
    assert close_to(full.getpixel((170, 270)), BLUE)
    assert close_to(full.getpixel((30, 30)), WHITE)
    for data_out in (photo.full, photo.thumb):
        image = reopen(data_out)
        assert image.format == "WEBP" and image.mode == "RGB"
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert len(image.getexif()) == 0
        assert webp_chunks(data_out) == [b"VP8 "]  # pixels only: no VP8X, EXIF, XMP or ICCP chunk
        assert b"Futian" not in data_out and b"YizhanPhone" not in data_out
    assert (photo.content_type, photo.extension) == ("image/webp", "webp")


def test_it_flattens_a_transparent_png_onto_white():
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    image.paste((255, 0, 0, 128), (50, 0, 100, 100))

    full = reopen(process_photo(encode(image, "PNG")).full)

    assert full.mode == "RGB"
    assert close_to(full.getpixel((20, 50)), WHITE)
    assert close_to(full.getpixel((80, 50)), (255, 127, 127))


def test_it_reads_webp_and_palette_pngs_with_transparency():
    webp = process_photo(encode(Image.new("RGB", (400, 300), BLUE), "WEBP"))
    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([0, 0, 0, *RED])
    palette.paste(1, (20, 0, 40, 40))
    png = reopen(process_photo(encode(palette, "PNG", transparency=0)).full)

    assert (webp.width, webp.height) == (400, 300)
    assert close_to(reopen(webp.full).getpixel((200, 150)), BLUE)
    assert close_to(png.getpixel((5, 20)), WHITE) and close_to(png.getpixel((35, 20)), RED)


def test_it_reads_a_multi_picture_jpeg_as_phone_cameras_write_it():
    data = encode(Image.new("RGB", (120, 90), RED), "MPO", save_all=True, append_images=[Image.new("RGB", (120, 90), BLUE)])
    assert Image.open(io.BytesIO(data)).format == "MPO"  # the input really is one

    photo = process_photo(data)

    assert (photo.width, photo.height) == (120, 90)
    assert close_to(reopen(photo.full).getpixel((60, 45)), RED)  # the first (main) picture


def test_it_converts_cmyk_jpegs_and_16_bit_pngs_to_ordinary_colours():
    cmyk = reopen(process_photo(encode(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG")).full)
    grey16 = Image.new("I;16", (64, 64), 65535 // 2)

    assert close_to(cmyk.getpixel((32, 32)), (255, 0, 0))
    assert close_to(reopen(process_photo(encode(grey16, "PNG")).full).getpixel((32, 32)), (128, 128, 128), 4)


def test_it_drops_an_unusable_colour_profile_and_keeps_the_pixels():
    photo = process_photo(encode(Image.new("RGB", (50, 50), RED), "JPEG", icc_profile=b"not a profile"))

    assert close_to(reopen(photo.full).getpixel((25, 25)), RED)
    assert webp_chunks(photo.full) == [b"VP8 "]


@pytest.mark.parametrize(
    "fmt, size, full, thumb",
    [
        ("JPEG", (4000, 1000), (1600, 400), (320, 80)),  # JPEGs this large decode at a reduced scale
        ("JPEG", (3000, 2000), (1600, 1067), (320, 213)),
        ("PNG", (1000, 4000), (400, 1600), (80, 320)),
        ("JPEG", (1600, 1600), (1600, 1600), (320, 320)),
        ("PNG", (1601, 1), (1600, 1), (320, 1)),
        ("JPEG", (1601, 1), (1600, 1), (320, 1)),
        ("PNG", (321, 100), (321, 100), (320, 100)),
        ("WEBP", (100, 50), (100, 50), (100, 50)),  # never upscaled
        ("PNG", (1, 1), (1, 1), (1, 1)),
    ],
)
def test_it_shrinks_to_the_full_and_thumbnail_sizes_keeping_the_aspect(fmt, size, full, thumb):
    photo = process_photo(encode(Image.new("RGB", size, RED), fmt))

    assert (photo.width, photo.height) == reopen(photo.full).size == full
    assert (photo.thumb_width, photo.thumb_height) == reopen(photo.thumb).size == thumb


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 2400), st.integers(1, 2400))
@example(1601, 1)
@example(2399, 1601)
def test_it_keeps_the_aspect_within_a_pixel_and_the_long_side_within_the_limits(width, height):
    photo = process_photo(encode(Image.new("L", (width, height), 90), "PNG"))

    for w, h, limit in [(photo.width, photo.height, FULL_MAX_PX), (photo.thumb_width, photo.thumb_height, THUMB_MAX_PX)]:
        assert max(w, h) == min(limit, max(width, height))
        assert abs(w * height - h * width) <= max(width, height)  # w/h == width/height to the rounding of one side


def test_it_refuses_48_megapixels_from_the_header_before_decoding_any_pixel(monkeypatch):
    png = patch_png_size(encode(Image.new("RGB", (8, 8), RED), "PNG"), 6000, 8000)
    jpeg = patch_jpeg_size(encode(Image.new("RGB", (8, 8), RED), "JPEG"), 8000, 6000)

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # someone turned Pillow's check off: ours still holds
    with pytest.raises(PhotoRejected, match=r"^the photo is 6000x8000 pixels \(48.0 megapixels\); the limit is 40 megapixels$"):
        process_photo(png)
    with pytest.raises(PhotoRejected, match=r"8000x6000 pixels \(48.0 megapixels\)"):
        process_photo(jpeg)


def test_it_turns_pillows_own_decompression_bomb_refusal_into_a_rejection():
    png = patch_png_size(encode(Image.new("RGB", (8, 8), RED), "PNG"), 20000, 20000)  # past 2x Pillow's limit

    with pytest.raises(PhotoRejected, match="too many pixels .* the limit is 40 megapixels"):
        process_photo(png)


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_it_rejects_when_pillows_bomb_warning_is_raised_as_an_error():
    png = patch_png_size(encode(Image.new("RGB", (8, 8), RED), "PNG"), 10000, 10000)  # past Pillow's warning limit

    with pytest.raises(PhotoRejected, match="40 megapixels"):
        process_photo(png)


def test_it_refuses_more_than_ten_megabytes_before_reading_it(monkeypatch):
    data = encode(Image.new("RGB", (8, 8), RED), "JPEG")
    data += bytes(MAX_UPLOAD_BYTES + 1 - len(data))
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("the photo was opened"))

    with pytest.raises(PhotoRejected, match=r"^the photo is 10485761 bytes; the limit is 10 MB \(10485760 bytes\)$"):
        process_photo(data)


def test_it_accepts_exactly_ten_megabytes():
    data = encode(Image.new("RGB", (8, 8), RED), "PNG")
    data += bytes(MAX_UPLOAD_BYTES - len(data))  # trailing bytes after IEND are ignored

    assert process_photo(data).width == 8


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(100)


@pytest.mark.parametrize(
    "data, message",
    [
        (encode(Image.new("RGB", (8, 8), RED), "GIF"), "received a GIF file; send a JPEG, PNG or WebP image"),
        (encode(Image.new("RGB", (8, 8), RED), "TIFF"), "received a TIFF file"),
        (encode(Image.new("RGB", (8, 8), RED), "BMP"), "received a BMP file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "received a PDF file"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "received a SVG/XML file"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "received a SVG/XML file"),
        (HEIC, r"received a HEIC \(an iPhone photo: .*Most Compatible"),
        ("福田驿站 照片".encode(), "the file is not an image we can read; send a JPEG, PNG or WebP image"),
        (random.Random(7).randbytes(5000), "the file is not an image we can read"),
        (b"", "the photo is empty"),
    ],
    ids=["gif", "tiff", "bmp", "pdf", "svg-xml", "svg", "heic", "text", "random", "empty"],
)
def test_it_refuses_what_is_not_a_jpeg_png_or_webp_naming_it(data, message):
    with pytest.raises(PhotoRejected, match=message):
        process_photo(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_it_refuses_a_truncated_image(fmt, keep):
    image = Image.effect_noise((400, 300), 60).convert("RGB")  # noise: the data is spread through the file
    data = encode(image, fmt)
    assert not ImageFile.LOAD_TRUNCATED_IMAGES  # (a process-wide switch that would hide truncation)

    with pytest.raises(PhotoRejected, match="truncated or damaged"):
        process_photo(data[: int(len(data) * keep)])


def test_it_judges_by_the_content_not_the_file_name(tmp_path):
    (tmp_path / "photo.png").write_bytes(encode(Image.new("RGB", (40, 30), RED), "JPEG"))
    (tmp_path / "photo.jpg").write_bytes(encode(Image.new("RGB", (40, 30), RED), "GIF"))

    assert process_photo((tmp_path / "photo.png").read_bytes()).width == 40
    with pytest.raises(PhotoRejected, match="received a GIF file"):
        process_photo((tmp_path / "photo.jpg").read_bytes())


def test_it_survives_damaged_bytes_anywhere_in_a_photo():
    rng = random.Random(20261101)
    original = encode(Image.effect_noise((64, 48), 40).convert("RGB"), "JPEG")
    for _ in range(60):
        damaged = bytearray(original)
        for _ in range(rng.randrange(1, 10)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            process_photo(bytes(damaged))
        except PhotoRejected:
            pass  # a decoded-with-glitches JPEG is fine too; a traceback is not


def test_it_makes_photo_rejections_an_api_400():
    assert issubclass(PhotoRejected, BadRequest)


def test_it_names_the_stored_files_by_station_and_uuid():
    photo_uuid = uuid.UUID("0b7e3bd5-3f43-4c8a-9b59-7a2c8b1c0d11")

    assert photo_storage_names(42, photo_uuid) == (
        "stations/42/0b7e3bd5-3f43-4c8a-9b59-7a2c8b1c0d11.webp",
        "stations/42/0b7e3bd5-3f43-4c8a-9b59-7a2c8b1c0d11_thumb.webp",
    )
    assert photo_storage_names(42, "0B7E3BD5-3F43-4C8A-9B59-7A2C8B1C0D11") == photo_storage_names(42, photo_uuid)


@pytest.mark.parametrize(
    "station_id, photo_uuid",
    [(0, uuid.uuid4()), (-1, uuid.uuid4()), ("42", uuid.uuid4()), (True, uuid.uuid4()), (42, "../../etc/passwd"), (42, "")],
)
def test_it_refuses_storage_names_from_anything_but_an_id_and_a_uuid(station_id, photo_uuid):
    with pytest.raises(ValueError):
        photo_storage_names(station_id, photo_uuid)
