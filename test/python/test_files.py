import builtins
import hashlib
import os
import struct
import zlib
from unittest import mock

from support import TempDirTest, of_type
from trackside import blobs

try:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
except ImportError:
    Figure = None


def sha(data):
    return hashlib.sha256(data).hexdigest()


def manifest(entries):
    lines = sorted("{}  {}  {}\n".format(h, s, p) for p, h, s in entries)
    return sha("".join(lines).encode())


def png(width, height):
    """A real (tiny, grey) PNG, built with zlib."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg_header(width, height):
    """SOI, an APP0 segment, then a baseline SOF0 frame header: enough for the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


class Artifacts(TempDirTest):
    def blob(self, run, digest):
        return os.path.join(run.root, "blobs", "sha256", digest[:2], digest[2:])

    def test_file_artifact_is_stored_as_a_blob(self):
        path = self.write("model.pkl", b"weights")
        run = self.new_run()
        digest = run.log_artifact(path, kind="model")
        self.assertEqual(digest, sha(b"weights"))
        with open(self.blob(run, digest), "rb") as f:
            self.assertEqual(f.read(), b"weights")
        event = of_type(self.finished_events(run), "artifact")[0]
        self.assertEqual(event, {"t": event["t"], "type": "artifact", "name": "model.pkl", "kind": "model",
                                 "hash": digest, "size": 7, "source": path})

    def test_identical_content_is_stored_once(self):
        a = self.write("a.bin", b"same bytes")
        b = self.write("b.bin", b"same bytes")
        run = self.new_run()
        self.assertEqual(run.log_artifact(a), run.log_artifact(b, name="copy"))
        other = self.new_run()
        other.log_artifact(a)
        store = os.path.join(run.root, "blobs", "sha256")
        stored = [os.path.join(d, f) for d, _, files in os.walk(store) for f in files]
        self.assertEqual(stored, [self.blob(run, sha(b"same bytes"))])  # no temp files left either
        names = [e["name"] for e in of_type(self.finished_events(run), "artifact")]
        self.assertEqual(names, ["a.bin", "copy"])

    def test_folder_artifact_lists_every_file_and_hashes_the_manifest(self):
        self.write("ckpt/weights.bin", b"w" * 10)
        self.write("ckpt/sub/config.json", b"{}")
        run = self.new_run()
        digest = run.log_artifact("ckpt", kind="model")
        event = of_type(self.finished_events(run), "artifact")[0]
        self.assertEqual(event["files"], [
            {"path": "sub/config.json", "hash": sha(b"{}"), "size": 2},
            {"path": "weights.bin", "hash": sha(b"w" * 10), "size": 10},
        ])
        self.assertEqual(digest, manifest([("sub/config.json", sha(b"{}"), 2), ("weights.bin", sha(b"w" * 10), 10)]))
        self.assertEqual((event["hash"], event["size"], event["name"], event["source"]), (digest, 12, "ckpt", "ckpt"))
        for entry in event["files"]:
            self.assertTrue(os.path.isfile(self.blob(run, entry["hash"])))

    def test_large_files_are_streamed_in_chunks(self):
        data = os.urandom(blobs.CHUNK * 3 + 123)
        path = self.write("big.bin", data)
        sizes = []
        real_open = builtins.open

        def recording_open(*args, **kwargs):
            f = real_open(*args, **kwargs)
            read = f.read

            def chunked_read(n=-1):
                sizes.append(n)
                return read(n)

            f.read = chunked_read
            return f

        run = self.new_run()
        with mock.patch("trackside.blobs.open", recording_open, create=True):
            digest = run.log_artifact(path)
        self.assertEqual(digest, sha(data))
        self.assertTrue(sizes)
        self.assertTrue(all(0 < n <= blobs.CHUNK for n in sizes), sizes)

    def test_missing_path_raises(self):
        run = self.new_run()
        with self.assertRaises(FileNotFoundError):
            run.log_artifact("nope.bin")


class Datasets(TempDirTest):
    def test_single_file_dataset_hash_is_its_content_hash_and_nothing_is_copied(self):
        path = self.write("data/train.csv", "a,b\n1,2\n")
        run = self.new_run()
        digest = run.log_dataset(path, name="train")
        event = of_type(self.finished_events(run), "dataset")[0]
        self.assertEqual(digest, sha(b"a,b\n1,2\n"))
        self.assertEqual(event["name"], "train")
        self.assertEqual(event["path"], path)
        self.assertEqual(event["size"], 8)
        self.assertEqual(event["files"], [{"path": "train.csv", "hash": digest, "size": 8}])
        self.assertFalse(os.path.exists(os.path.join(run.root, "blobs")))

    def test_two_runs_on_the_same_folder_get_the_same_hash(self):
        self.write("data/x.csv", "1\n")
        self.write("data/nested/y.csv", "2\n")
        first = self.new_run().log_dataset("data")
        second = self.new_run().log_dataset(os.path.join(self.tmp, "data"))
        self.assertEqual(first, second)
        self.assertEqual(first, manifest([("x.csv", sha(b"1\n"), 2), ("nested/y.csv", sha(b"2\n"), 2)]))
        self.write("data/x.csv", "changed\n")
        self.assertNotEqual(self.new_run().log_dataset("data"), first)

    def test_default_name_is_the_folder_name(self):
        self.write("mnist/a", "1")
        run = self.new_run()
        run.log_dataset("mnist/")
        self.assertEqual(of_type(self.finished_events(run), "dataset")[0]["name"], "mnist")


class Images(TempDirTest):
    def test_png_file(self):
        data = png(7, 5)
        path = self.write("plot.png", data)
        run = self.new_run()
        digest = run.log_image("plots/roc", path)
        run.log_image("plots/roc", path)
        run.log_image("plots/roc", path, step=10)
        events = of_type(self.finished_events(run), "image")
        self.assertEqual(events[0], {"t": events[0]["t"], "type": "image", "key": "plots/roc", "step": 0,
                                     "hash": sha(data), "format": "png", "size": len(data),
                                     "width": 7, "height": 5})
        self.assertEqual(digest, sha(data))
        self.assertEqual([e["step"] for e in events], [0, 1, 10])

    def test_jpeg_and_svg_files_by_magic_bytes_not_names(self):
        jpeg = self.write("photo.bin", jpeg_header(640, 480))
        svg = self.write("chart.txt", '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')
        run = self.new_run()
        run.log_image("photo", jpeg)
        run.log_image("chart", svg)
        events = of_type(self.finished_events(run), "image")
        self.assertEqual((events[0]["format"], events[0]["width"], events[0]["height"]), ("jpeg", 640, 480))
        self.assertEqual(events[1]["format"], "svg")
        self.assertNotIn("width", events[1])

    def test_other_files_are_refused(self):
        path = self.write("notes.txt", "hello")
        run = self.new_run()
        with self.assertRaises(ValueError):
            run.log_image("x", path)

    def test_figure_like_objects_are_saved_as_png(self):
        data = png(3, 2)

        class FakeFigure:
            def savefig(self, f, format):
                self.format = format
                f.write(data)

        figure = FakeFigure()
        run = self.new_run()
        run.log_image("fig", figure)
        event = of_type(self.finished_events(run), "image")[0]
        self.assertEqual(figure.format, "png")
        self.assertEqual((event["hash"], event["width"], event["height"]), (sha(data), 3, 2))

    def test_matplotlib_figure(self):
        if Figure is None:
            self.skipTest("matplotlib is not installed for this interpreter")
        figure = Figure(figsize=(2, 1), dpi=50)
        figure.add_subplot().plot([0, 1], [1, 0])
        run = self.new_run()
        digest = run.log_image("curve", figure, step=3)
        event = of_type(self.finished_events(run), "image")[0]
        with open(os.path.join(run.root, "blobs", "sha256", digest[:2], digest[2:]), "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertEqual((event["format"], event["step"], event["width"], event["height"]), ("png", 3, 100, 50))


class Code(TempDirTest):
    def test_files_and_folders_become_blobs_relative_to_the_working_directory(self):
        self.write("train.py", "print('hi')\n")
        self.write("pkg/model.py", "X = 1\n")
        self.write("pkg/__pycache__/model.cpython-311.pyc", b"\x00")
        self.write("pkg/.git/HEAD", "ref")
        run = self.new_run()
        entries = run.log_code("train.py", "pkg")
        event = of_type(self.finished_events(run), "code")[0]
        self.assertEqual(event["root"], self.tmp)
        self.assertEqual(event["files"], entries)
        self.assertEqual([e["path"] for e in entries], ["pkg/model.py", "train.py"])
        self.assertEqual(entries[1]["hash"], sha(b"print('hi')\n"))
        for entry in entries:
            self.assertTrue(os.path.isfile(os.path.join(run.root, "blobs", "sha256", entry["hash"][:2], entry["hash"][2:])))

    def test_the_whole_workspace_skips_the_trackside_folder(self):
        self.write("a.py", "1")
        run = self.new_run()
        run.log_params({"x": 1})
        entries = run.log_code(".")
        self.assertEqual([e["path"] for e in entries], ["a.py"])

    def test_paths_outside_the_working_directory_are_relative_to_their_folder(self):
        script = self.write("elsewhere/tool/run.py", "1")
        os.makedirs("work")
        os.chdir("work")
        run = self.new_run()
        entries = run.log_code(script)
        event = of_type(self.finished_events(run), "code")[0]
        self.assertEqual((event["root"], [e["path"] for e in entries]),
                         (os.path.join(self.tmp, "elsewhere", "tool"), ["run.py"]))
