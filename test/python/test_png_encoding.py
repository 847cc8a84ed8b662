"""The client's own PNG encoder (no PIL, no numpy): what it writes reads back exactly."""

import io
import unittest

from png_reader import read_png
from trackside.images import dimensions, encode_png, sniff

try:
    from PIL import Image
except ImportError:
    Image = None


def pattern(width, height, channels):
    return bytes((x * 7 + y * 13 + c * 101) % 256 for y in range(height) for x in range(width) for c in range(channels))


class EncodePng(unittest.TestCase):
    def test_every_channel_count_reads_back_exactly(self):
        for channels in (1, 2, 3, 4):
            pixels = pattern(5, 3, channels)
            data = encode_png(pixels, 5, 3, channels)
            self.assertEqual(read_png(data), (5, 3, channels, pixels), channels)
            self.assertEqual(sniff(data), "png")
            self.assertEqual(dimensions("png", io.BytesIO(data)), (5, 3))

    @unittest.skipIf(Image is None, "Pillow is not installed for this interpreter")
    def test_pillow_reads_the_same_pixels(self):
        for channels, mode in ((1, "L"), (2, "LA"), (3, "RGB"), (4, "RGBA")):
            pixels = pattern(17, 9, channels)
            image = Image.open(io.BytesIO(encode_png(pixels, 17, 9, channels)))
            image.load()
            self.assertEqual((image.mode, image.size), (mode, (17, 9)))
            self.assertEqual(image.tobytes(), pixels)

    def test_a_large_image_is_compressed(self):
        data = encode_png(bytes(300 * 200 * 3), 300, 200, 3)
        self.assertLess(len(data), 2000)
        self.assertEqual(read_png(data, pixels=False)[:3], (300, 200, 3))

    def test_refuses_what_is_not_a_8_bit_image(self):
        with self.assertRaises(ValueError):
            encode_png(bytes(4 * 5), 2, 2, 5)
        with self.assertRaises(ValueError):
            encode_png(bytes(11), 2, 2, 3)
        with self.assertRaises(ValueError):
            encode_png(b"", 0, 0, 3)
