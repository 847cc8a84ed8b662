import hashlib
import json
import os
import subprocess
import sys

from support import TempDirTest, client_env, of_type, read_events

import trackside
from trackside import models
from trackside.blobs import BlobStore


def sha(data):
    return hashlib.sha256(data).hexdigest()


def file_sha(path):
    with open(path, "rb") as f:
        return sha(f.read())


class LogModel(TempDirTest):
    def setUp(self):
        super().setUp()
        self.root = os.environ["TRACKSIDE_HOME"]
        self.write("model.pkl", b"weights v1")
        self.write("serve/predict.py", "def predict(x):\n    return x\n")
        self.write("serve/features.py", "COLUMNS = ['a']\n")
        self.write("data/train.csv", "a,b\n1,x\n2,y\n")

    def record(self, name, version):
        with open(os.path.join(self.root, "models", name, "versions", "{}.json".format(version))) as f:
            return json.load(f)

    def test_a_version_is_claimed_with_weights_code_metadata_and_the_runs_datasets(self):
        run = self.new_run(name="train")
        data_hash = run.log_dataset("data/train.csv", name="train")
        version = run.log_model("model.pkl", "churn", inference_code=["serve"], metadata={"threshold": 0.5})
        self.assertEqual(version, 1)
        events = self.finished_events(run)
        model = of_type(events, "model")[0]
        self.assertEqual(model["version"], 1)
        self.assertEqual(model["hash"], sha(b"weights v1"))
        self.assertEqual(model["weights"], "model.pkl")
        self.assertEqual([f["path"] for f in model["code"]], ["serve/features.py", "serve/predict.py"])
        self.assertEqual(model["metadata"], {"threshold": 0.5})
        self.assertEqual(model["datasets"], [{"name": "train", "hash": data_hash}])
        # The same weights show as a model artifact of the run.
        artifact = of_type(events, "artifact")[0]
        self.assertEqual((artifact["kind"], artifact["hash"]), ("model", model["hash"]))
        record = self.record("churn", 1)
        self.assertEqual(record["run"], run.id)
        self.assertEqual({k: record[k] for k in ("name", "version", "hash", "code", "datasets")},
                         {k: model[k] for k in ("name", "version", "hash", "code", "datasets")})
        for f in model["code"] + [model]:
            self.assertTrue(os.path.isfile(run.blobs.path(f["hash"])))

    def test_versions_count_up_and_folders_are_weights_too(self):
        run = self.new_run()
        self.assertEqual(run.log_model("model.pkl", "churn"), 1)
        self.write("ckpt/a.bin", b"a")
        self.write("ckpt/sub/b.bin", b"bb")
        self.assertEqual(run.log_model("ckpt", "churn"), 2)
        self.assertEqual(run.log_model("model.pkl", "other"), 1)
        self.assertEqual(models.versions("churn"), [1, 2])
        self.assertEqual([f["path"] for f in self.record("churn", 2)["files"]], ["a.bin", "sub/b.bin"])
        self.assertEqual(models.list_models(), ["churn", "other"])

    def test_concurrent_writers_never_share_a_version(self):
        code = ("import trackside\nrun = trackside.init()\n"
                "print(run.log_model('model.pkl', 'race'))\nrun.finish()\n")
        env = client_env(TRACKSIDE_HOME=self.root)
        procs = [subprocess.Popen([sys.executable, "-c", code], cwd=self.tmp, env=env, stdout=subprocess.PIPE,
                                  universal_newlines=True) for _ in range(8)]
        got = sorted(int(p.communicate(timeout=60)[0]) for p in procs)
        self.assertEqual(got, list(range(1, 9)))
        self.assertEqual(models.versions("race"), list(range(1, 9)))
        self.assertEqual([n for n in os.listdir(os.path.join(self.root, "models", "race", "versions"))
                          if n.startswith(".tmp")], [])

    def test_bad_names_and_metadata_are_refused(self):
        run = self.new_run()
        for name in ("../x", "", ".hidden", "a/b", "x" * 101):
            with self.assertRaises(ValueError):
                run.log_model("model.pkl", name)
        with self.assertRaises(TypeError):
            run.log_model("model.pkl", "churn", metadata=["not", "a", "dict"])
        version = run.log_model("model.pkl", "churn", metadata={"nan": float("nan"), "obj": object})
        self.assertEqual(self.record("churn", version)["metadata"]["nan"], "nan")


class Aliases(TempDirTest):
    def setUp(self):
        super().setUp()
        self.write("model.pkl", b"w")
        run = self.new_run()
        for _ in range(3):
            run.log_model("model.pkl", "churn")

    def test_aliases_move_and_are_removed_the_last_line_wins(self):
        models.set_alias("churn", "production", 1)
        models.set_alias("churn", "staging", 2)
        models.set_alias("churn", "production", 2)
        self.assertEqual(models.aliases("churn"), {"production": 2, "staging": 2})
        models.remove_alias("churn", "staging")
        self.assertEqual(models.aliases("churn"), {"production": 2})
        self.assertEqual(models.resolve("churn@production")[0], 2)
        self.assertEqual(models.resolve("churn@latest")[0], 3)
        self.assertEqual(models.resolve("churn")[0], 3)
        self.assertEqual(models.resolve("churn@1")[0], 1)

    def test_a_torn_line_stays_one_bad_line(self):
        log = os.path.join(os.environ["TRACKSIDE_HOME"], "models", "churn", "events.jsonl")
        models.set_alias("churn", "production", 1)
        with open(log, "a") as f:
            f.write('{"t": 1, "type": "alias", "alias": "prod')
        models.set_alias("churn", "production", 3)
        self.assertEqual(models.aliases("churn"), {"production": 3})
        with open(log) as f:
            self.assertEqual(len(f.read().splitlines()), 3)

    def test_unknown_versions_aliases_and_bad_alias_names(self):
        with self.assertRaises(models.UnknownModelError):
            models.set_alias("churn", "production", 9)
        with self.assertRaises(models.UnknownModelError):
            models.resolve("churn@production")
        with self.assertRaises(models.UnknownModelError):
            models.resolve("nope")
        for alias in ("latest", "12", "a b"):
            with self.assertRaises(ValueError):
                models.set_alias("churn", alias, 1)


class Evaluation(TempDirTest):
    def setUp(self):
        super().setUp()
        self.write("model.pkl", b"the weights")
        self.write("predict.py", "def predict(rows):\n    return [0 for _ in rows]\n")
        run = self.new_run(name="train")
        self.version = run.log_model("model.pkl", "churn", inference_code=["predict.py"], metadata={"k": 1})
        run.log_model("model.pkl", "churn")
        run.finish()
        models.set_alias("churn", "production", self.version)

    def test_init_with_a_model_records_the_resolved_version(self):
        self.write("fresh.csv", "a\n1\n")
        run = trackside.init(model="churn@production", name="march")
        run.log_dataset("fresh.csv")
        models.set_alias("churn", "production", 2)  # moving it later changes nothing recorded
        events = self.finished_events(run)
        start = of_type(events, "run")[0]
        self.assertEqual(start["job"], "evaluation")
        ref = of_type(events, "model_ref")[0]
        self.assertEqual({k: ref[k] for k in ("name", "version", "ref")},
                         {"name": "churn", "version": 1, "ref": "churn@production"})
        self.assertEqual(ref["hash"], sha(b"the weights"))
        self.assertTrue(of_type(events, "dataset")[0]["columns"])

    def test_run_model_gives_local_paths_of_the_weights_and_code(self):
        run = trackside.init(model="churn@1", job="monthly-eval")
        m = run.model
        with open(m.weights, "rb") as f:
            self.assertEqual(f.read(), b"the weights")
        self.assertEqual([os.path.relpath(p, m.code_dir) for p in m.code], ["predict.py"])
        self.assertEqual(m.metadata, {"k": 1})
        self.assertEqual(of_type(self.finished_events(run), "run")[0]["job"], "monthly-eval")

    def test_an_unknown_model_fails_before_any_run_folder_is_made(self):
        with self.assertRaises(models.UnknownModelError):
            trackside.init(model="churn@staging")
        self.assertEqual(len(os.listdir(os.path.join(os.environ["TRACKSIDE_HOME"], "runs"))), 1)

    def test_plain_runs_have_no_model(self):
        self.assertIsNone(self.new_run().model)


class Fetch(TempDirTest):
    def setUp(self):
        super().setUp()
        self.root = os.environ["TRACKSIDE_HOME"]
        self.write("w/model.bin", b"\x00\x01weights")
        self.write("w/config.json", "{}")
        self.write("src/predict.py", "print('hi')\n")
        run = self.new_run()
        self.version = run.log_model("w", "churn", inference_code=["src/predict.py"])
        run.finish()
        models.set_alias("churn", "production", self.version)

    def test_fetch_writes_files_and_a_manifest_whose_hashes_match(self):
        m = models.get("churn", alias="production", to="deploy")
        with open(os.path.join(self.tmp, "deploy", "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual((manifest["model"], manifest["version"], manifest["ref"]), ("churn", 1, "churn@production"))
        self.assertEqual(manifest["aliases"], ["latest", "production"])
        self.assertEqual(sorted(f["path"] for f in manifest["files"]),
                         ["code/src/predict.py", "weights/w/config.json", "weights/w/model.bin"])
        for f in manifest["files"]:
            path = os.path.join(self.tmp, "deploy", *f["path"].split("/"))
            self.assertEqual((file_sha(path), os.path.getsize(path)), (f["hash"], f["size"]))
        self.assertEqual(m.weights, os.path.join(self.tmp, "deploy", "weights", "w"))
        self.assertEqual(m.run, manifest["run"])

    def test_a_damaged_blob_stops_the_fetch(self):
        record = models.resolve("churn@1")[1]
        blob = trackside.Run("x", self.tmp, self.root).blobs.path(record["code"][0]["hash"])
        os.chmod(blob, 0o644)
        with open(blob, "wb") as f:
            f.write(b"tampered")
        with self.assertRaisesRegex(ValueError, "damaged"):
            models.get("churn", version=1, to="deploy")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "deploy", "manifest.json")))

    def test_a_tampered_record_cannot_make_the_fetch_read_any_file(self):
        secret = self.write("secret.txt", "not a blob")
        record_path = os.path.join(self.root, "models", "churn", "versions", "1.json")
        with open(record_path) as f:
            record = json.load(f)
        store = os.path.join(self.root, "blobs", "sha256")
        record["code"][0]["hash"] = ".." + secret  # store/<first two>/<rest> is then the secret file
        with open(record_path, "w") as f:
            json.dump(record, f)
        with self.assertRaisesRegex(ValueError, "not a SHA-256"):
            models.get("churn", version=1, to="deploy")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "deploy", "code")))
        for digest in ("../" * 5 + "etc/passwd", "A" * 63, "g" * 64, "", None):
            with self.assertRaises(ValueError, msg=repr(digest)):
                BlobStore(self.root).path(digest)
        self.assertEqual(BlobStore(self.root).path("AB" * 32), os.path.join(store, "ab", "ab" * 31))

    def test_the_cache_is_reused_while_intact(self):
        first = models.get("churn@production")
        self.assertTrue(first.dir.startswith(os.path.join(self.root, "cache")))
        mtime = os.stat(first.manifest).st_mtime_ns
        self.assertEqual(models.get("churn", version=1).dir, first.dir)
        self.assertEqual(os.stat(first.manifest).st_mtime_ns, mtime)
        os.remove(first.code[0])
        self.assertTrue(os.path.isfile(models.get("churn@1").code[0]))


class RegistryFormat(TempDirTest):
    def test_the_registry_file_is_strict_json_with_t_and_type_first(self):
        self.write("model.pkl", b"w")
        run = self.new_run()
        run.log_model("model.pkl", "churn")
        with open(os.path.join(os.environ["TRACKSIDE_HOME"], "models", "churn", "versions", "1.json")) as f:
            text = f.read()
        self.assertTrue(text.endswith("\n"))
        record = json.loads(text)
        self.assertEqual(list(record)[:2], ["t", "type"])
        self.assertEqual(read_events(run.dir)[0]["type"], "run")
