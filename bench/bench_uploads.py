"""Benchmark: the two pieces an upload calls, on generated inputs (no database).

    .venv/bin/python bench/bench_uploads.py [--runs 7] [--rows 20000]

1. process_photo on a 12 MP (4000x3000) JPEG as a phone writes it (quality 90, EXIF orientation
   6, about 3 MB): the median seconds of ``--runs`` calls, and the sizes of what it returns.
2. Reading an .xlsx of ``--rows`` stations (8 columns) to the end with read_table: the median
   seconds and rows/s, without formulas and with one formula cell (which adds the second,
   formula-preserving parse), and the ratio of the two measured in the same run.
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def phone_jpeg() -> bytes:
    import numpy as np
    from PIL import ExifTags, Image

    rng = np.random.default_rng(12)
    coarse = Image.fromarray(rng.integers(0, 256, (150, 200, 3), dtype=np.uint8)).resize((4000, 3000), Image.BICUBIC)
    grain = Image.fromarray(rng.integers(-12, 13, (3000, 4000, 3)).astype(np.int16).clip(0, 255).astype(np.uint8))
    image = Image.blend(coarse, grain, 0.15)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def stations_xlsx(rows: int, formula: bool) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "name", "lon", "lat", "phone", "amenities", "opening_hours", "district"])
    for i in range(rows):
        sheet.append([f"S{i}", f"示范驿站 {i}", 114 + i * 1e-5, 22.5 + i * 1e-5, 13800138000 + i, "toilet;microwave",
                      "Mo-Su 08:00-20:00", "福田区"])
    if formula:
        sheet["I2"] = "=A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def median_seconds(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    from stations.imports.readers import read_table
    from stations.photos.processing import process_photo

    jpeg = phone_jpeg()
    photo = process_photo(jpeg)
    seconds = median_seconds(lambda: process_photo(jpeg), args.runs)
    print(
        f"process_photo, 12 MP JPEG ({len(jpeg) / 1e6:.1f} MB): median {seconds:.3f} s over {args.runs} runs;"
        f" full {photo.width}x{photo.height} {len(photo.full) / 1e3:.0f} kB,"
        f" thumb {photo.thumb_width}x{photo.thumb_height} {len(photo.thumb) / 1e3:.1f} kB"
    )

    def read_all(data: bytes) -> None:
        for _ in read_table(data, "xlsx").rows:
            pass

    plain, with_formula = stations_xlsx(args.rows, False), stations_xlsx(args.rows, True)
    runs = max(3, args.runs // 2)
    plain_s = median_seconds(lambda: read_all(plain), runs)
    formula_s = median_seconds(lambda: read_all(with_formula), runs)
    print(f"read .xlsx, {args.rows} rows ({len(plain) / 1e6:.1f} MB): median {plain_s:.2f} s ({args.rows / plain_s:,.0f} rows/s)")
    print(
        f"read .xlsx with a formula: median {formula_s:.2f} s ({args.rows / formula_s:,.0f} rows/s),"
        f" {formula_s / plain_s:.2f}x the plain file"
    )


if __name__ == "__main__":
    main()
