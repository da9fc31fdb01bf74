"""Screenshots and photos: decoded with Pillow, turned upright, and re-encoded from their pixels alone, so no
metadata (EXIF with GPS, XMP, IPTC, comments, PNG text chunks, colour profiles) survives."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageFile

from bot.attachments.sniff import JPEG, PNG, FileType
from bot.errors import InputError, PayloadTooLargeError

_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}
# What `Image.info` keys hold, reported by name when dropped.
_INFO_KEYS = {"exif": "exif", "xmp": "xmp", "XML:com.adobe.xmp": "xmp", "icc_profile": "icc_profile",
              "comment": "comment", "photoshop": "iptc", "Raw profile type exif": "exif"}
_REPR = re.compile(r"\s*<[^<>]* at 0x[0-9A-Fa-f]+>")
_PLAIN_MODES = {PNG: ("L", "LA", "RGB", "RGBA", "I;16"), JPEG: ("L", "RGB")}


@dataclass
class CleanImage:
    """The re-encoded image and what was removed from it (e.g. ["exif", "gps", "png_text"])."""

    data: bytes
    width: int
    height: int
    removed: list[str] = field(default_factory=list)


def clean_image(data: bytes, file_type: FileType, max_pixels: int) -> CleanImage:
    """Decode a PNG or JPEG, refuse it before decoding when it has more than `max_pixels` pixels (a
    decompression bomb), apply the EXIF orientation, and encode the pixels again in the same format."""
    pil_format = "PNG" if file_type is PNG else "JPEG"
    try:
        with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
            _check_pixels(image.width, image.height, max_pixels)
            removed = _metadata(image)
            if getattr(image, "n_frames", 1) > 1:
                removed.append("extra_frames")   # animated PNG, multi-picture JPEG: the first frame is kept
            image.load()
            fresh = _fresh_pixels(image, _PLAIN_MODES[file_type])
    except Image.DecompressionBombError:   # Pillow's own guard, at twice Image.MAX_IMAGE_PIXELS
        raise PayloadTooLargeError(f"the image has more than {_megapixels(2 * (Image.MAX_IMAGE_PIXELS or 0))}; "
                                   f"the limit is {_megapixels(max_pixels)}: send a smaller screenshot") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise InputError(f"the {pil_format} image could not be decoded ({_reason(exc)}): it may be damaged or "
                         "cut off; save it again or send a screenshot") from None
    out = io.BytesIO()
    if file_type is PNG:
        fresh.save(out, format="PNG", compress_level=6)
    else:
        fresh.save(out, format="JPEG", quality=90)
    return CleanImage(out.getvalue(), fresh.width, fresh.height, sorted(set(removed)))


def _fresh_pixels(image: Image.Image, modes: tuple[str, ...]) -> Image.Image:
    """The pixels upright, in a plain mode, in a new image without metadata. Each intermediate image is released
    as soon as the next one exists, so a large screenshot is held at most twice, never four times."""
    steps: tuple[Callable[[Image.Image], Image.Image], ...] = (_upright, lambda im: _plain(im, modes), _pixels_only)
    current = image
    for step in steps:
        following = step(current)
        if following is not current:
            current.close()
        current = following
    return current


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no `info` (EXIF, XMP, comments, profiles) of the original."""
    fresh = Image.new(image.mode, image.size)
    fresh.paste(image)
    return fresh


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise InputError("the image has no pixels (width or height is 0): send another screenshot")
    if width * height > max_pixels:
        raise PayloadTooLargeError(f"the image is {width}x{height} pixels ({_megapixels(width * height)}); the "
                                   f"limit is {_megapixels(max_pixels)}: send a smaller screenshot or crop it")


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f} megapixels"


def _metadata(image: ImageFile.ImageFile) -> list[str]:
    """Names of the metadata blocks the image carries (all of them are left behind)."""
    found = [name for key, name in _INFO_KEYS.items() if image.info.get(key)]
    exif = image.getexif()
    if exif:
        found.append("exif")
        if exif.get_ifd(_GPS_IFD) or exif.get(_GPS_IFD):
            found.append("gps")
    text = getattr(image, "text", None)   # PNG tEXt/zTXt/iTXt chunks (reading it loads the whole file)
    if text:
        found.append("png_text")
    return found


def _upright(image: Image.Image) -> Image.Image:
    """The pixels turned as the EXIF orientation says (the orientation tag itself goes with the rest)."""
    method = _TRANSPOSE.get(image.getexif().get(_ORIENTATION, 1))
    return image.transpose(method) if method is not None else image


def _plain(image: Image.Image, modes: tuple[str, ...]) -> Image.Image:
    """The image in a mode the format stores directly; palette and transparency-keyed images become RGB(A)."""
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    if image.mode in modes and "transparency" not in image.info:
        return image
    if "RGBA" in modes and has_alpha:
        return image.convert("LA" if image.mode in ("L", "LA") else "RGBA")
    return image.convert("L" if image.mode in ("1", "L", "LA", "I", "F") and "L" in modes else "RGB")


def _reason(exc: BaseException) -> str:
    """Pillow's reason, without the object reprs it sometimes names ("<_io.BytesIO object at 0x7f...>")."""
    text = _REPR.sub("", str(exc)).strip()
    return text[:120] if text else type(exc).__name__
