"""OCI images: read a `docker save` tarball or an OCI image layout
tarball, unpack its layers into a root directory, return its config.

Layers are applied in order with the OCI whiteouts: ".wh.NAME" deletes
NAME from the layers below, ".wh..wh..opq" empties its directory of what
the layers below put there.  Unpacking never follows a symlink on the
host: every parent is resolved inside the root (paths.resolve_in_root),
files are created with O_NOFOLLOW, and member names with ".." or a
leading "/" are refused, as are hard links whose target leaves the root.
Symlinks are created as they are, absolute targets included: inside the
image they are legal.  Device nodes and FIFOs are skipped (counted).
OCI blobs are checked against their sha256 digests.
"""

import gzip
import hashlib
import json
import os
import shutil
import stat
import tarfile

from .paths import PathError, member_parts, resolve_in_root

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class OciError(Exception):
    """A tarball that is not a usable image: one line for the user."""


class ImageConfig:
    """What a container config says about how to run the image."""

    def __init__(self, raw=None, name=None):
        cfg = (raw or {}).get("config") or {}
        self.entrypoint = list(cfg.get("Entrypoint") or [])
        self.cmd = list(cfg.get("Cmd") or [])
        self.env = list(cfg.get("Env") or [])
        self.workdir = cfg.get("WorkingDir") or "/"
        self.ports = sorted((cfg.get("ExposedPorts") or {}).keys())
        self.arch = (raw or {}).get("architecture")
        self.name = name
        for v in self.entrypoint + self.cmd + self.env:
            if not isinstance(v, str):
                raise OciError("config: Entrypoint/Cmd/Env must be strings")

    def argv(self):
        return self.entrypoint + self.cmd

    def to_json(self):
        return {"name": self.name, "entrypoint": self.entrypoint,
                "cmd": self.cmd, "env": self.env, "workdir": self.workdir,
                "ports": self.ports, "architecture": self.arch}

    @classmethod
    def from_json(cls, d):
        c = cls({"config": {"Entrypoint": d.get("entrypoint"),
                            "Cmd": d.get("cmd"), "Env": d.get("env"),
                            "WorkingDir": d.get("workdir")},
                 "architecture": d.get("architecture")}, d.get("name"))
        c.ports = list(d.get("ports") or [])
        return c


# ---- reading the outer tarball ----

def _outer_name(name):
    while name.startswith("./"):
        name = name[2:]
    return name


class Outer:
    """The outer tarball: named members as bytes or file objects."""

    def __init__(self, path):
        try:
            self.tar = tarfile.open(path, "r:*")
            self.members = {_outer_name(m.name): m
                            for m in self.tar.getmembers()}
        except (tarfile.TarError, OSError, EOFError) as e:
            raise OciError(f"not a readable tarball: {path}") from None
        self.path = path

    def has(self, name):
        return name in self.members

    def open(self, name):
        m = self.members.get(name)
        if m is None or not m.isfile():
            raise OciError(f"missing blob in {self.path}: {name}")
        return self.tar.extractfile(m)

    def json(self, name):
        try:
            return json.loads(self.open(name).read())
        except (ValueError, UnicodeDecodeError) as e:
            raise OciError(f"bad JSON in {name}: {e}") from None


def _blob_name(digest):
    if not isinstance(digest, str) or ":" not in digest:
        raise OciError(f"bad digest: {digest!r}")
    algo, hexd = digest.split(":", 1)
    if algo != "sha256" or len(hexd) != 64 or \
            any(c not in "0123456789abcdef" for c in hexd):
        raise OciError(f"unsupported digest: {digest}")
    return f"blobs/sha256/{hexd}"


def _check_digest(outer, name, digest):
    h = hashlib.sha256()
    f = outer.open(name)
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    if "sha256:" + h.hexdigest() != digest:
        raise OciError(f"blob does not match its digest: {digest}")


def _pick_manifest(outer, index, depth=0):
    """The linux/amd64 image manifest an index points to."""
    manifests = index.get("manifests") if isinstance(index, dict) else None
    if not manifests or not isinstance(manifests, list):
        raise OciError("index.json lists no manifests")
    chosen = manifests[0]
    for m in manifests:
        p = m.get("platform") or {}
        if p.get("architecture") == "amd64" and p.get("os", "linux") == "linux":
            chosen = m
            break
    name = _blob_name(chosen.get("digest"))
    _check_digest(outer, name, chosen["digest"])
    doc = outer.json(name)
    if "manifests" in doc and depth < 4:
        return _pick_manifest(outer, doc, depth + 1)
    return doc


def read_layout(outer):
    """(config dict, [layer member name]) of an OCI image layout."""
    doc = _pick_manifest(outer, outer.json("index.json"))
    try:
        cfg_digest = doc["config"]["digest"]
        layers = [l["digest"] for l in doc["layers"]]
    except (KeyError, TypeError):
        raise OciError("image manifest lacks config or layers") from None
    cfg_name = _blob_name(cfg_digest)
    _check_digest(outer, cfg_name, cfg_digest)
    names = []
    for d in layers:
        n = _blob_name(d)
        _check_digest(outer, n, d)
        names.append(n)
    return outer.json(cfg_name), names, None


def read_docker(outer):
    """(config dict, [layer member name], repo tag) of a `docker save`."""
    man = outer.json("manifest.json")
    if not isinstance(man, list) or not man or not isinstance(man[0], dict):
        raise OciError("manifest.json is not a list of images")
    m = man[0]
    cfg, layers = m.get("Config"), m.get("Layers")
    if not isinstance(cfg, str) or not isinstance(layers, list):
        raise OciError("manifest.json lacks Config or Layers")
    for n in [cfg] + layers:
        if not isinstance(n, str):
            raise OciError("manifest.json: bad member name")
        member_parts(n)
    tags = m.get("RepoTags") or []
    return outer.json(cfg), layers, tags[0] if tags else None


def read_image(outer):
    if outer.has("manifest.json"):
        return read_docker(outer)
    if outer.has("index.json"):
        return read_layout(outer)
    raise OciError(f"not a docker save or OCI layout tarball "
                   f"(no manifest.json or index.json): {outer.path}")


# ---- unpacking one layer ----

def _open_layer(outer, name):
    f = outer.open(name)
    head = f.read(4)
    f.seek(0)
    if head == ZSTD_MAGIC:
        raise OciError(f"zstd-compressed layers are not supported: {name}")
    if head[:2] == b"\x1f\x8b":
        f = gzip.GzipFile(fileobj=f)
    try:
        return tarfile.open(fileobj=f, mode="r|")
    except tarfile.TarError as e:
        raise OciError(f"layer {name} is not a tar archive: {e}") from None


def _remove(path):
    """Removes whatever is at path (no symlink followed)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def _parent(root, parts):
    """The host directory for the parent of a member, created if missing,
    resolved inside the root."""
    parent = resolve_in_root(root, "/".join(parts[:-1]))
    if not os.path.isdir(parent):
        if os.path.lexists(parent):
            raise PathError("a parent is not a directory: " + "/".join(parts))
        os.makedirs(parent, 0o755, exist_ok=True)
    return parent


class LayerStats:
    def __init__(self):
        self.files = 0
        self.bytes = 0
        self.skipped = 0


class Unpacker:
    def __init__(self, root, progress=None):
        self.root = root
        self.stats = LayerStats()
        self.progress = progress

    def layer(self, tar, name):
        fresh = set()           # paths this layer made: opaque spares them
        try:
            for m in tar:
                self.member(tar, m, fresh)
        except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as e:
            if isinstance(e, OSError) and e.errno is not None:
                raise
            raise OciError(f"corrupt layer {name}: {e}") from None
        except PathError as e:
            raise OciError(f"layer {name}: {e}") from None

    def member(self, tar, m, fresh):
        parts = member_parts(m.name)
        if not parts:
            return
        base = parts[-1]
        if base == OPAQUE:
            self.opaque(parts[:-1], fresh)
            return
        if base.startswith(WHITEOUT):
            target = parts[:-1] + [base[len(WHITEOUT):]]
            member_parts("/".join(target))
            parent = resolve_in_root(self.root, "/".join(target[:-1]))
            _remove(os.path.join(parent, target[-1]))
            return
        parent = _parent(self.root, parts)
        path = os.path.join(parent, base)
        fresh.add(path)
        self.create(tar, m, path)
        self.stats.files += 1
        if self.progress:
            self.progress.tick(self.stats.files, self.stats.bytes)

    def opaque(self, dir_parts, fresh):
        d = resolve_in_root(self.root, "/".join(dir_parts))
        if not os.path.isdir(d) or os.path.islink(d):
            return
        for n in os.listdir(d):
            p = os.path.join(d, n)
            if p not in fresh:
                _remove(p)

    def create(self, tar, m, path):
        if m.isdir():
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, (m.mode & 0o7777) | 0o700)
                return
            _remove(path)
            os.mkdir(path, (m.mode & 0o7777) | 0o700)
            os.chmod(path, (m.mode & 0o7777) | 0o700)
            return
        _remove(path)
        if m.issym():
            os.symlink(m.linkname, path)
        elif m.islnk():
            self.hardlink(m, path)
        elif m.isreg():
            self.regular(tar, m, path)
        else:
            self.stats.skipped += 1     # devices, FIFOs: not in an image

    def hardlink(self, m, path):
        parts = member_parts(m.linkname)
        if not parts:
            raise PathError(f"hard link to the root: {m.name}")
        parent = resolve_in_root(self.root, "/".join(parts[:-1]))
        target = os.path.join(parent, parts[-1])
        st = os.lstat(target) if os.path.lexists(target) else None
        if st is None or stat.S_ISDIR(st.st_mode):
            raise PathError(f"hard link to a missing file: {m.name} -> "
                            f"{m.linkname}")
        os.link(target, path, follow_symlinks=False)

    def regular(self, tar, m, path):
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "wb") as out:
            src = tar.extractfile(m)
            left = m.size
            while left > 0:
                chunk = src.read(min(left, 1 << 20))
                if not chunk:
                    raise OciError(f"truncated file in layer: {m.name}")
                out.write(chunk)
                left -= len(chunk)
        os.chmod(path, (m.mode & 0o7777) | 0o400)
        self.stats.bytes += m.size


def unpack(path, root, progress=None):
    """Unpacks the image tarball at path into the empty directory root;
    returns (ImageConfig, LayerStats).  OciError on a bad image."""
    outer = Outer(path)
    try:
        raw, layers, tag = read_image(outer)
        if not isinstance(raw, dict):
            raise OciError("the image config is not a JSON object")
        config = ImageConfig(raw, tag)
        u = Unpacker(root, progress)
        for name in layers:
            u.layer(_open_layer(outer, name), name)
    finally:
        outer.tar.close()
    if progress:
        progress.done(u.stats.files, u.stats.bytes)
    return config, u.stats
