"""Images are re-encoded from their pixels: no EXIF, GPS, XMP, comments or PNG text survive; the EXIF
orientation is applied first; bombs and broken files are refused before or while decoding, never with a 500."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.attachments.images import clean_image
from bot.attachments.sniff import JPEG, PNG
from bot.errors import InputError, PayloadTooLargeError
from tests.unit.attachments import CAMERA, PLACE, jpeg_with_exif, png_bytes, png_claiming_size, png_with_text

MAX_PIXELS = 40_000_000


def _reopened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_jpeg_loses_exif_and_gps_and_is_turned_upright():
    """EXIF (camera, GPS position, orientation) and the comment are gone, from Pillow's view and from the raw
    bytes; orientation 6 (rotate 90) was applied to the pixels first, so 40x20 becomes 20x40."""
    original = jpeg_with_exif(40, 20, orientation=6)
    assert _reopened(original).getexif().get_ifd(0x8825)   # the test file really has a GPS position
    cleaned = clean_image(original, JPEG, MAX_PIXELS)
    image = _reopened(cleaned.data)
    assert image.format == "JPEG"
    assert (image.width, image.height) == (cleaned.width, cleaned.height) == (20, 40)
    assert not image.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile", "photoshop"} & set(image.info)
    for marker in (b"Exif", CAMERA.encode(), PLACE.encode(), b"shot at home", b"http://ns.adobe.com/xap"):
        assert marker not in cleaned.data
    assert {"exif", "gps", "comment"} <= set(cleaned.removed)


@pytest.mark.parametrize(("orientation", "size"), [(1, (40, 20)), (3, (40, 20)), (8, (20, 40))])
def test_every_orientation_is_applied(orientation, size):
    """Upright, upside down and rotated the other way all end up with the right dimensions and no EXIF."""
    cleaned = clean_image(jpeg_with_exif(40, 20, orientation=orientation), JPEG, MAX_PIXELS)
    image = _reopened(cleaned.data)
    assert image.size == size and not image.getexif()


def test_png_text_chunks_and_xmp_are_dropped():
    """tEXt, zTXt and iTXt (XMP) chunks are gone; the pixels are kept."""
    cleaned = clean_image(png_with_text("wallet backup on desk"), PNG, MAX_PIXELS)
    image = _reopened(cleaned.data)
    assert image.format == "PNG" and image.size == (32, 16)
    assert not getattr(image, "text", {}) and not image.info
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"wallet backup", b"xmpmeta"):
        assert chunk not in cleaned.data
    assert {"png_text", "xmp"} <= set(cleaned.removed)
    assert image.getpixel((0, 0)) == (0, 0, 255)


def test_palette_with_transparency_stays_transparent():
    """A palette PNG with a transparent colour becomes RGBA with that colour transparent."""
    cleaned = clean_image(png_bytes(4, 4, mode="P", color=0, transparency=0), PNG, MAX_PIXELS)
    image = _reopened(cleaned.data)
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_cmyk_jpeg_becomes_rgb():
    """CMYK JPEGs (print exports) are stored as RGB."""
    out = io.BytesIO()
    Image.new("CMYK", (8, 8), (0, 255, 255, 0)).save(out, "JPEG")
    assert _reopened(clean_image(out.getvalue(), JPEG, MAX_PIXELS).data).mode == "RGB"


def test_animation_keeps_the_first_frame():
    """An animated PNG is stored as its first frame, and says so."""
    out = io.BytesIO()
    frames = [Image.new("RGB", (8, 8), color) for color in ("red", "green")]
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    cleaned = clean_image(out.getvalue(), PNG, MAX_PIXELS)
    assert "extra_frames" in cleaned.removed
    assert getattr(_reopened(cleaned.data), "n_frames", 1) == 1


@pytest.mark.parametrize(("width", "height", "says"), [
    (8_000, 6_000, "8000x6000 pixels (48.0 megapixels)"),
    (50_000, 50_000, "more than 179.0 megapixels"),     # caught by Pillow's own guard while reading the header
])
def test_decompression_bomb_is_refused_before_decoding(width, height, says):
    """A small file whose header claims too many pixels is a 413 naming the limit; nothing is decoded."""
    with pytest.raises(PayloadTooLargeError, match=r"limit is 40\.0 megapixels") as refused:
        clean_image(png_claiming_size(width, height), PNG, MAX_PIXELS)
    assert says in str(refused.value)


def test_pixel_limit_comes_from_the_settings():
    """A real image over a small configured limit is refused the same way."""
    with pytest.raises(PayloadTooLargeError, match="100x100"):
        clean_image(png_bytes(100, 100), PNG, 5_000)


def _damaged(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle:middle + 8]) + data[middle + 8:]


@pytest.mark.parametrize(("file_type", "data"), [
    (PNG, png_bytes(64, 64)[:40]), (PNG, png_bytes(64, 64)[:60]), (PNG, _damaged(png_bytes(64, 64))),
    (JPEG, jpeg_with_exif()[:30]), (JPEG, jpeg_with_exif()[:400]),
], ids=["png-header-only", "png-cut", "png-damaged", "jpeg-header-only", "jpeg-cut"])
def test_truncated_or_damaged_images_are_a_422(file_type, data):
    """An image cut off or with broken data is an InputError saying it could not be decoded."""
    with pytest.raises(InputError, match="could not be decoded"):
        clean_image(data, file_type, MAX_PIXELS)


def test_a_png_signature_on_a_jpeg_body_is_refused():
    """Bytes that start like a PNG but are not one are a 422, not a 500."""
    with pytest.raises(InputError):
        clean_image(b"\x89PNG\r\n\x1a\n" + jpeg_with_exif()[3:], PNG, MAX_PIXELS)
