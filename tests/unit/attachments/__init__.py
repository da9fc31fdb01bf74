"""Attachment tests: type sniffing, image cleaning, PDF checks, text redaction, names and storage.

Builders of test files live here, so the service tests make the same files.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
CAMERA = "SecretCam 3000"
PLACE = "52 deg 31' N"   # a GPS text value that must not survive


def png_bytes(width: int = 32, height: int = 16, mode: str = "RGB", color: object = "blue", **save: object) -> bytes:
    """A small PNG."""
    out = io.BytesIO()
    Image.new(mode, (width, height), color).save(out, "PNG", **save)   # type: ignore[arg-type]
    return out.getvalue()


def jpeg_with_exif(width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A JPEG taken "with a camera": EXIF with make, orientation and a GPS position, plus a comment."""
    exif = Image.Exif()
    exif[MAKE] = CAMERA
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 31.0, 12.0), "E", (13.0, 24.0, 36.0)
    gps[27] = PLACE   # GPSProcessingMethod: free text
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "JPEG", exif=exif, comment=b"shot at home")
    return out.getvalue()


def png_with_text(text: str = "wallet backup on desk") -> bytes:
    """A PNG with a tEXt comment chunk, a compressed zTXt chunk and an XMP iTXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    info.add_text("Author", text, zip=True)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{text}</x:xmpmeta>")
    return png_bytes(pnginfo=info)


def png_claiming_size(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims `width` x `height` pixels (a decompression bomb needs no more)."""
    data = bytearray(png_bytes(1, 1))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"
CONTENT = b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 20 100 Td (Hi) Tj ET\nendstream"


def pdf_bytes(*objects: bytes, catalog: bytes = CATALOG) -> bytes:
    """A small PDF: the catalog, page tree, one page and its content, then `objects` (numbered from 5)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate((catalog, PAGES, PAGE, CONTENT, *objects), start=1):
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    out += b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 9 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"
    return bytes(out)


def flate_stream(dictionary: bytes, content: bytes) -> bytes:
    """A Flate-compressed stream object body."""
    packed = zlib.compress(content)
    return dictionary[:-2] + f"/Filter /FlateDecode /Length {len(packed)} >>".encode() + b"\nstream\n" + packed + \
        b"\nendstream"
