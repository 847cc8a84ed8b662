"""A strict reader of 8-bit, non-interlaced PNG files, for checking logged images in tests
(every chunk's CRC, the IHDR, the zlib stream, every row filter)."""

import struct
import zlib

MAGIC = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type; 3 is palette indices


def read_png(data, pixels=True):
    """(width, height, channels, pixels) with pixels as bytes, row by row; raises ValueError.

    pixels=False checks everything but undoing the row filters (slow in Python for big
    images) and returns None for the pixels.
    """
    if not data.startswith(MAGIC):
        raise ValueError("not a PNG signature")
    pos, chunks = len(MAGIC), []
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError("truncated chunk header")
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if len(body) != length or zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad {} chunk".format(kind))
        chunks.append((kind, body))
        pos += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise ValueError("IHDR must come first and IEND last")
    width, height, depth, color, _compression, _filter, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if depth != 8 or interlace != 0 or color not in CHANNELS:
        raise ValueError("only 8-bit, non-interlaced images are read here")
    channels = CHANNELS[color]
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError("image data is {} bytes, not {}".format(len(raw), height * (stride + 1)))
    if not pixels:
        if any(raw[y * (stride + 1)] > 4 for y in range(height)):
            raise ValueError("unknown row filter")
        return width, height, channels, None
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(raw[start], row, previous, channels)
        rows.append(bytes(row))
        previous = row
    return width, height, channels, b"".join(rows)


def _unfilter(kind, row, up, bpp):
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        corner = up[i - bpp] if i >= bpp else 0
        if kind == 0:
            continue
        if kind == 1:
            add = left
        elif kind == 2:
            add = up[i]
        elif kind == 3:
            add = (left + up[i]) // 2
        elif kind == 4:
            p = left + up[i] - corner
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
            add = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
        else:
            raise ValueError("unknown row filter {}".format(kind))
        row[i] = (row[i] + add) & 0xFF
