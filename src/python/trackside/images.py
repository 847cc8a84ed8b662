"""Image formats by magic bytes, pixel sizes read from PNG/JPEG headers, and a PNG encoder."""

import io
import struct
import zlib

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
HEAD = 4096

# JPEG start-of-frame markers carry the size; C4, C8 and CC share the range but are not frames.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def sniff(head):
    """'png', 'jpeg', 'svg' or None for the first bytes of a file."""
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE")) and b"<svg" in head:
        return "svg"
    return None


def figure_png(figure):
    """PNG bytes of a matplotlib Figure (anything with savefig), without importing matplotlib."""
    buf = io.BytesIO()
    figure.savefig(buf, format="png")
    return buf.getvalue()


# PNG colour types by channel count: grey, grey + alpha, RGB, RGBA.
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def encode_png(pixels, width, height, channels):
    """PNG bytes of 8-bit pixels given row by row as bytes (height x width x channels)."""
    if channels not in _COLOR_TYPES:
        raise ValueError("trackside: a PNG has 1 to 4 channels, not {}".format(channels))
    stride = width * channels
    if width < 1 or height < 1 or len(pixels) != stride * height:
        raise ValueError("trackside: {} bytes are not {}x{}x{} pixels".format(len(pixels), height, width, channels))
    raw = b"".join(b"\x00" + pixels[i:i + stride] for i in range(0, stride * height, stride))  # filter 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return PNG_MAGIC + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b"")


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def dimensions(fmt, f):
    """(width, height) from an open binary file positioned at 0, or (None, None)."""
    try:
        if fmt == "png":
            head = f.read(24)
            if len(head) == 24 and head[12:16] == b"IHDR":
                return struct.unpack(">II", head[16:24])
        elif fmt == "jpeg":
            return _jpeg_dimensions(f)
    except (OSError, struct.error):
        pass
    return None, None


def _jpeg_dimensions(f):
    f.read(2)  # SOI
    while True:
        byte = f.read(1)
        while byte and byte != b"\xff":
            byte = f.read(1)
        while byte == b"\xff":  # fill bytes
            byte = f.read(1)
        if not byte:
            return None, None
        marker = byte[0]
        if marker == 0x01 or 0xD0 <= marker <= 0xD9:  # no length field
            continue
        (length,) = struct.unpack(">H", f.read(2))
        if marker in _SOF:
            _precision, height, width = struct.unpack(">BHH", f.read(5))
            return width, height
        f.seek(length - 2, io.SEEK_CUR)
