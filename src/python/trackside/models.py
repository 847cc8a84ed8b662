"""Model versions: logging them, the registry, and fetching one for deployment.

    version = run.log_model("model.pkl", "churn", inference_code=["predict.py"],
                            metadata={"threshold": 0.5})
    trackside.models.set_alias("churn", "production", version)

    m = trackside.models.get("churn", alias="production")   # or version=3, or "churn@3"
    m.weights, m.code_dir, m.metadata                         # local paths and metadata

The registry is <root>/models/<name>/: versions/<n>.json, one file per version, created by a
hard link from a complete temp file (link() fails when the number is taken, so concurrent
writers never share one), and events.jsonl, the alias moves, one appended line each; the
last line about an alias wins. "latest" is always the highest version. The editor reads the
same files (src/core/models/README.md).

A fetch writes DIR/weights/<name>, DIR/code/<path> and DIR/manifest.json; every file is
hashed as it is copied. Without `to`, versions are fetched to <root>/cache/models/<name>/<n>/.
"""

import hashlib
import json
import math
import os
import re
import tempfile
import time

from .append import append_line
from .blobs import CHUNK, BlobStore, code_files, describe, file_entries
from .location import find_root
from .regular_file import TOO_LONG, UnreadableFile, read_lines, read_small

LATEST = "latest"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_VERSION_FILE = re.compile(r"^([1-9][0-9]{0,14})\.json$")
MAX_RECORD = 64 << 20  # bytes of one version record (a folder of many files lists each)


class UnknownModelError(LookupError):
    """No such model, alias or version."""


def check_name(name):
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("trackside: invalid model name {!r}: use letters, digits, '_', '-' and '.'".format(name))
    return name


def check_alias(alias):
    if not isinstance(alias, str) or not _NAME.match(alias) or alias.isdigit():
        raise ValueError("trackside: invalid alias {!r}: use letters, digits, '_', '-', '.', not only digits"
                         .format(alias))
    if alias == LATEST:
        raise ValueError("trackside: 'latest' always means the highest version; it cannot be set")
    return alias


def parse_ref(ref):
    """"churn@production" -> ("churn", None, "production"); "churn@3" -> ("churn", 3, None)."""
    name, _, tail = str(ref).rpartition("@")
    if not name:
        name, tail = tail, LATEST
    check_name(name)
    if tail.isdigit():
        return name, int(tail), None
    if not _NAME.match(tail):
        raise ValueError("trackside: invalid alias in {!r}".format(ref))
    return name, None, tail


def _root(root):
    return os.path.abspath(os.fspath(root)) if root is not None else find_root()


def _model_dir(root, name):
    return os.path.join(root, "models", check_name(name))


def _version_file(root, name, version):
    return os.path.join(_model_dir(root, name), "versions", "{}.json".format(int(version)))


def list_models(root=None):
    """Names of the models in the registry, sorted."""
    folder = os.path.join(_root(root), "models")
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(n for n in names if _NAME.match(n) and versions(n, root=root))


def versions(name, root=None):
    """The version numbers of a model, ascending."""
    try:
        files = os.listdir(os.path.join(_model_dir(_root(root), name), "versions"))
    except FileNotFoundError:
        return []
    return sorted(int(m.group(1)) for m in map(_VERSION_FILE.match, files) if m)


def aliases(name, root=None):
    """{alias: version} as the model's alias log says now ("latest" not included)."""
    found = {}
    try:
        lines = list(read_lines(os.path.join(_model_dir(_root(root), name), "events.jsonl")))
    except UnreadableFile:
        return found
    for line in lines:  # a torn last line is not among them: it waits for its newline
        if line is TOO_LONG:
            continue
        try:
            e = json.loads(line.decode("utf-8"))
        except ValueError:
            continue
        if not isinstance(e, dict) or e.get("type") != "alias" or not isinstance(e.get("alias"), str):
            continue
        if e.get("removed") is True:
            found.pop(e["alias"], None)
        elif isinstance(e.get("version"), int) and not isinstance(e["version"], bool) and e["version"] >= 1:
            found[e["alias"]] = e["version"]
    return found


def _read_record(root, name, version):
    path = _version_file(root, name, version)
    if not os.path.lexists(path):
        raise UnknownModelError("trackside: {} has no version {}".format(name, version))
    data = read_small(path, MAX_RECORD)
    try:
        record = json.loads(data.decode("utf-8")) if data is not None else None
    except ValueError:
        record = None
    if not isinstance(record, dict) or record.get("name") != name or record.get("version") != version:
        raise ValueError("trackside: {} does not hold {} version {}".format(path, name, version))
    return record


def resolve(name, alias=None, version=None, root=None):
    """(version, record) for an alias, a version number, or the latest version."""
    root = _root(root)
    if alias is None and version is None and "@" in str(name):
        name, version, alias = parse_ref(name)
    check_name(name)
    if version is None:
        if alias is None or alias == LATEST:
            known = versions(name, root=root)
            if not known:
                raise UnknownModelError("trackside: there is no model {!r}".format(name))
            version = known[-1]
        else:
            version = aliases(name, root=root).get(alias)
            if version is None:
                raise UnknownModelError("trackside: model {!r} has no alias {!r}".format(name, alias))
    return version, _read_record(root, name, int(version))


def claim_version(root, record):
    """Writes the record as the next free version of its model; returns that version."""
    folder = os.path.join(_model_dir(root, record["name"]), "versions")
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    os.close(fd)
    version = max(versions(record["name"], root=root) or [0]) + 1
    try:
        while True:
            body = {"t": record["t"], "type": "model"}
            body.update((k, v) for k, v in record.items() if k not in ("t", "type", "version"))
            body["version"] = version
            data = json.dumps(body, allow_nan=False, ensure_ascii=False) + "\n"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            final = _version_file(root, record["name"], version)
            try:
                os.link(tmp, final)
                return version
            except FileExistsError:
                version = max([version + 1] + [v + 1 for v in versions(record["name"], root=root)])
            except (OSError, NotImplementedError):
                try:  # no hard links here: an exclusive create still keeps numbers unique
                    with open(final, "x", encoding="utf-8") as f:
                        f.write(data)
                    return version
                except FileExistsError:
                    version += 1
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _append_line(path, event):
    append_line(path, (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8"))


def set_alias(name, alias, version, root=None):
    """Points `alias` (production, staging, ...) at an existing version."""
    root = _root(root)
    check_alias(alias)
    version = int(version)
    _read_record(root, check_name(name), version)
    _append_line(os.path.join(_model_dir(root, name), "events.jsonl"),
                 {"t": int(time.time() * 1000), "type": "alias", "alias": alias, "version": version})


def remove_alias(name, alias, root=None):
    root = _root(root)
    check_alias(alias)
    os.makedirs(_model_dir(root, name), exist_ok=True)
    _append_line(os.path.join(_model_dir(root, name), "events.jsonl"),
                 {"t": int(time.time() * 1000), "type": "alias", "alias": alias, "removed": True})


def _json_ready(x):
    if isinstance(x, dict):
        return {str(k): _json_ready(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_ready(v) for v in x]
    if isinstance(x, float):
        return x if math.isfinite(x) else str(x)
    if x is None or isinstance(x, (str, int, bool)):
        return x
    return str(x)


def _code_entries(paths, store):
    """Inference code as file entries relative to the working directory (else to the folder
    holding them all), each stored as a blob."""
    return file_entries(code_files(paths)[1], store.put_file)


def log_model(run, path, name, inference_code=(), metadata=None):
    """Run.log_model: stores the weights and code, claims the next version; returns it."""
    check_name(name)
    if isinstance(inference_code, (str, bytes)) or hasattr(inference_code, "__fspath__"):
        inference_code = [inference_code]
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError("trackside: metadata must be a dict, got {}".format(type(metadata).__name__))
    source = os.fspath(path)
    digest, size, entries = describe(source, run.blobs.put_file)
    weights = os.path.basename(os.path.normpath(os.path.abspath(source)))
    record = {"t": int(time.time() * 1000), "type": "model", "name": name, "hash": digest, "size": size}
    if os.path.isdir(source):
        record["files"] = entries
    record.update(weights=weights, code=_code_entries(inference_code, run.blobs),
                  metadata=_json_ready(metadata or {}), datasets=list(run._datasets))
    version = claim_version(run.root, dict(record, run=run.id, source="client"))
    artifact = {"type": "artifact", "name": weights, "kind": "model", "hash": digest, "size": size}
    if "files" in record:
        artifact["files"] = entries
    artifact["source"] = source
    run._emit(artifact)
    event = {k: v for k, v in record.items() if k != "t"}
    event["version"] = version
    run._emit(event)
    return version


class ModelVersion:
    """A fetched version: local paths of its weights and inference code, and what it is."""

    def __init__(self, record, folder, manifest):
        self.name = record["name"]
        self.version = record["version"]
        self.run = record.get("run")
        self.hash = record["hash"]
        self.metadata = record.get("metadata") or {}
        self.datasets = record.get("datasets") or []
        self.aliases = manifest["aliases"]
        self.dir = folder
        self.manifest = os.path.join(folder, "manifest.json")
        self.weights = os.path.join(folder, *manifest["weights"].split("/"))
        self.code_dir = os.path.join(folder, "code")
        self.code = [os.path.join(folder, *f["path"].split("/")) for f in manifest["files"] if f["role"] == "code"]

    def __repr__(self):
        return "<trackside.ModelVersion {}@{} at {}>".format(self.name, self.version, self.dir)


def _safe_relative(path):
    if not isinstance(path, str):
        raise ValueError("trackside: refusing to write to {!r}: not a plain relative path".format(path))
    parts = path.split("/")
    if "\\" in path or "\0" in path or any(p in ("", ".", "..") for p in parts):
        raise ValueError("trackside: refusing to write to {!r}: not a plain relative path".format(path))
    return path


def _fetch_files(record):
    weights = _safe_relative(record.get("weights") or "weights")
    if "/" in weights:
        raise ValueError("trackside: refusing weights name {!r}".format(weights))
    files = [{"path": "weights/{}/{}".format(weights, _safe_relative(f["path"])), "hash": f["hash"], "size": f["size"],
              "role": "weights"} for f in record.get("files") or []]
    if not files:
        files = [{"path": "weights/" + weights, "hash": record["hash"], "size": record["size"], "role": "weights"}]
    for f in record.get("code") or []:
        files.append({"path": "code/" + _safe_relative(f["path"]), "hash": f["hash"], "size": f["size"], "role": "code"})
    return weights, files


def _copy_verified(blobs, f, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = "{}.tmp-{}".format(target, os.getpid())
    h = hashlib.sha256()
    size = 0
    try:
        with open(blobs.path(f["hash"]), "rb") as src, open(tmp, "wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                h.update(chunk)
                dst.write(chunk)
                size += len(chunk)
        if h.hexdigest() != f["hash"].lower() or size != f["size"]:
            raise ValueError("trackside: {}: the stored copy is damaged (sha256 {}, {} bytes; expected {}, {} bytes)"
                             .format(f["path"], h.hexdigest(), size, f["hash"], f["size"]))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _intact(folder, manifest):
    for f in manifest["files"]:
        try:
            if os.path.getsize(os.path.join(folder, *f["path"].split("/"))) != f["size"]:
                return False
        except OSError:
            return False
    return True


def get(name, alias=None, version=None, to=None, root=None):
    """Fetches a version (by alias, number, "name@alias"/"name@3", or the latest) into `to`
    (default: the registry's cache) and returns it as a ModelVersion with local paths."""
    root = _root(root)
    if alias is None and version is None and "@" in str(name):
        name, version, alias = parse_ref(name)
    asked = alias if alias not in (None, LATEST) and version is None else None
    version, record = resolve(name, alias=alias, version=version, root=root)
    name = record["name"]
    weights, files = _fetch_files(record)
    named = sorted(a for a, v in aliases(name, root=root).items() if v == version)
    if version == versions(name, root=root)[-1]:
        named = sorted(named + [LATEST])
    ref = "{}@{}".format(name, asked if asked is not None else version)
    manifest = {"format": 1, "model": name, "version": version, "ref": ref, "aliases": named,
                "run": record.get("run"), "logged": record.get("t"), "weights": "weights/" + weights,
                "hash": record["hash"], "files": files, "metadata": record.get("metadata") or {},
                "datasets": record.get("datasets") or []}
    cached = to is None
    folder = os.path.abspath(os.fspath(to)) if to is not None else os.path.join(root, "cache", "models", name,
                                                                                str(version))
    manifest_path = os.path.join(folder, "manifest.json")
    if cached:
        try:
            with open(manifest_path, encoding="utf-8") as f:
                old = json.load(f)
            if old.get("hash") == record["hash"] and old.get("files") == files and _intact(folder, old):
                old["aliases"] = named
                return ModelVersion(record, folder, old)
        except (OSError, ValueError):
            pass
    blobs = BlobStore(root)
    for f in files:
        if not os.path.isfile(blobs.path(f["hash"])):
            raise FileNotFoundError("trackside: {}: blob {} is missing from the store".format(f["path"], f["hash"]))
    for f in files:
        _copy_verified(blobs, f, os.path.join(folder, *f["path"].split("/")))
    tmp = manifest_path + ".tmp-{}".format(os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, manifest_path)
    return ModelVersion(record, folder, manifest)
