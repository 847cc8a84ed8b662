"""The framework integrations import lazily and fail clearly: `import trackside` never loads a
framework, and a missing library is an ImportError that names the package to install."""

import importlib.util
import os
import textwrap
import unittest

from support import CLIENT_PATH, TempDirTest, run_python

HEAVY = ("torch", "numpy", "xgboost", "sklearn", "matplotlib", "pandas", "scipy")


class Imports(TempDirTest):
    def run_code(self, code):
        return run_python(textwrap.dedent(code), cwd=self.tmp, TRACKSIDE_HOME=os.path.join(self.tmp, ".trackside"))
    def test_trackside_and_its_tensorboard_writer_import_no_framework(self):
        done = self.run_code("""
            import sys
            import trackside
            from trackside.tensorboard import SummaryWriter
            print(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r}))
            print(sorted(m for m in ("trackside.xgboost", "trackside.sklearn") if m in sys.modules))
        """.format(heavy=HEAVY))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.split("\n")[:2], ["[]", "[]"])

    def test_a_missing_library_names_the_package_to_install(self):
        for module, library, debian, pip in (("trackside.xgboost", "xgboost", "python3-xgboost", "pip install xgboost"),
                                             ("trackside.sklearn", "sklearn", "python3-sklearn",
                                              "pip install scikit-learn")):
            done = self.run_code("""
                import sys
                sys.modules[{library!r}] = None  # as if it were not installed
                import trackside
                try:
                    import {module}
                except ImportError as e:
                    print("ImportError:", e)
                trackside.init().log({{"still": 1}})
                print("ok")
            """.format(library=library, module=module))
            self.assertEqual(done.returncode, 0, done.stderr)
            first, second = done.stdout.strip().split("\n")
            self.assertIn(debian, first)
            self.assertIn(pip, first)
            self.assertEqual(second, "ok")

    def test_tensorboard_images_without_numpy_name_the_package_scalars_still_work(self):
        done = self.run_code("""
            import sys
            sys.modules["numpy"] = None
            from trackside.tensorboard import SummaryWriter
            with SummaryWriter() as writer:
                writer.add_scalar("loss", 1.0, 0)
                try:
                    writer.add_image("img", [[0.0]], dataformats="HW")
                except ImportError as e:
                    print("ImportError:", e)
        """)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("python3-numpy", done.stdout)

    @unittest.skipUnless(importlib.util.find_spec("xgboost") and importlib.util.find_spec("sklearn"),
                         "xgboost and scikit-learn are not installed for this interpreter")
    def test_the_modules_named_like_the_libraries_use_the_real_ones(self):
        done = self.run_code("""
            import trackside.sklearn, trackside.xgboost
            print(trackside.xgboost._xgb.__file__)
            print(trackside.sklearn._m.__file__)
        """)
        self.assertEqual(done.returncode, 0, done.stderr)
        for path in done.stdout.split():
            self.assertFalse(path.startswith(CLIENT_PATH), path)
