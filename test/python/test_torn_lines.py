"""A log that ends in a torn line (a writer killed mid-line) costs that fragment only: the
next append starts on a line of its own."""

import json
import os

from support import TempDirTest, mount_tmpfs

from trackside.append import PartialAppend, append_lines, open_log


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def parsed(lines):
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append(None)
    return out


class TornLines(TempDirTest):
    def test_attaching_to_a_run_whose_log_ends_in_a_torn_line(self):
        run_dir = os.path.join(self.tmp, ".trackside", "runs", "20240101-000000-abcdef")
        os.makedirs(run_dir)
        events = os.path.join(run_dir, "events.jsonl")
        with open(events, "w") as f:
            f.write(json.dumps({"t": 1, "type": "run", "source": "editor"}) + "\n")
            f.write('{"t":2,"type":"metrics","step":0,"val')  # the previous process died here
        del os.environ["TRACKSIDE_HOME"]
        os.environ["TRACKSIDE_RUN_DIR"] = run_dir
        run = self.new_run(name="second try")
        run.log({"x": 1})
        run.finish()
        lines = lines_of(events)
        self.assertEqual(lines[1], '{"t":2,"type":"metrics","step":0,"val')  # one bad line, alone
        self.assertEqual(lines[-1], "")
        after = parsed(lines[2:-1])
        self.assertNotIn(None, after)
        self.assertEqual([e["type"] for e in after], ["run", "status", "metrics", "status"])
        self.assertEqual(after[0]["name"], "second try")

    def test_a_write_that_fails_part_way_leaves_whole_lines_only(self):
        mnt = os.path.join(self.tmp, "small")
        mount_tmpfs(self, mnt, "1m")
        path = os.path.join(mnt, "events.jsonl")
        lines = b"".join(b'{"t":%d,"type":"note","text":"%s"}\n' % (i, b"x" * 200) for i in range(10000))
        fd = open_log(path)
        self.addCleanup(os.close, fd)
        with self.assertRaises(PartialAppend) as caught:
            append_lines(fd, lines)  # about 2.3 MB into 1 MB
        kept = caught.exception.kept
        self.assertGreater(kept, 0)
        with open(path, "rb") as f:
            on_disk = f.read()
        self.assertEqual(on_disk, lines[:kept])
        self.assertTrue(on_disk.endswith(b"\n"))

    def test_processes_appending_long_writes_at_once_leave_no_blank_line(self):
        # While one process's long write is under way, the file's size already shows part of it;
        # another process looking at the last byte then must not take it for a torn line.
        path = os.path.join(self.tmp, "events.jsonl")
        chunk = b"".join(b'{"t":%d,"type":"note","text":"%s"}\n' % (i, b"x" * 100) for i in range(2000))
        children = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    fd = open_log(path)
                    for _ in range(40):
                        append_lines(fd, chunk)
                    code = 0
                finally:
                    os._exit(code)
            children.append(pid)
        for pid in children:
            self.assertEqual(os.waitpid(pid, 0)[1], 0)
        lines = lines_of(path)
        self.assertEqual(lines.pop(), "")
        self.assertEqual(len(lines), 4 * 40 * 2000)
        self.assertEqual([i for i, line in enumerate(lines) if not line.startswith('{"t":')], [])
