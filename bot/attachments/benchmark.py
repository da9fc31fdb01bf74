"""How long cleaning an upload takes: a screenshot, a phone photo with EXIF and GPS, and a log holding a seed
phrase at the text limit. Generated inputs, so anyone can rerun it without sample files."""

from __future__ import annotations

import io
import random
import statistics
import time

from mnemonic import Mnemonic
from PIL import Image

from bot.attachments.cleaning import clean
from bot.config import AttachmentSettings
from bot.security.secrets import SecretScanner


def screenshot_png(width: int = 1920, height: int = 1080) -> bytes:
    """A screenshot-like PNG: flat areas with some noise."""
    image = Image.new("RGB", (width, height), (240, 242, 245))
    pixels = image.load()
    assert pixels is not None
    rng = random.Random(7)
    for _ in range(width * height // 50):
        pixels[rng.randrange(width), rng.randrange(height)] = (rng.randrange(256), 90, 160)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def phone_jpeg(width: int = 4032, height: int = 3024) -> bytes:
    """A phone-sized JPEG, rotated by its EXIF orientation, with GPS coordinates in its metadata."""
    image = Image.effect_noise((width, height), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6   # orientation: rotate 90 degrees
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}   # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def log_with_seed_phrase(size: int) -> bytes:
    """`size` bytes of log lines with a 12-word seed phrase in the middle."""
    lines, total, rng = [], 0, random.Random(11)
    phrase_at: int | None = size // 2
    while total < size:
        line = (f"2026-11-24 10:{rng.randrange(60):02d}:{rng.randrange(60):02d} INFO withdraw "
                f"id={rng.randrange(10**9)} status=pending network=TRC20 amount={rng.randrange(10**4)} USDT\n")
        if phrase_at is not None and total >= phrase_at:
            line = f"backup words: {Mnemonic('english').generate(128)}\n"
            phrase_at = None
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


def _median_ms(data: bytes, settings: AttachmentSettings, scanner: SecretScanner, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        clean(data, settings, scanner)
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def cleaning_times(settings: AttachmentSettings, runs: int = 3) -> dict[str, float]:
    """Median milliseconds to clean each generated input, with the scanner's wordlists already loaded."""
    scanner = SecretScanner()
    scanner.warm_up()
    inputs = {"png_1920x1080": screenshot_png(), "jpeg_4032x3024_exif_gps": phone_jpeg(),
              f"text_{settings.max_text_bytes // 1024}_kib_with_seed_phrase": log_with_seed_phrase(
                  settings.max_text_bytes)}
    return {name: _median_ms(data, settings, scanner, runs) for name, data in inputs.items()}
