"""Shared helpers of the tools/tessera tests (not a test itself).

The tool is found next to this tree (../../tools/tessera) or at
$TESSERA_TOOL; its modules (tools/tesseralib) are imported from the same
tools directory.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.environ.get("TESSERA_TOOL",
                      os.path.join(HERE, "..", "..", "tools", "tessera"))
sys.path.insert(0, os.path.dirname(os.path.abspath(TOOL)))

GCC = shutil.which("gcc")


def run_tool(*args, env=None, timeout=120, cwd=None):
    """Runs the tool with a private cache, store and run dir under env."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, TOOL] + [str(a) for a in args],
                          capture_output=True, env=e, timeout=timeout,
                          cwd=cwd)


def private_env(tmp):
    return {"XDG_CACHE_HOME": os.path.join(tmp, "cache"),
            "TESSERA_HOME": os.path.join(tmp, "home"),
            "TESSERA_RUN_DIR": os.path.join(tmp, "run")}


def gcc(out, *args):
    subprocess.run([GCC, "-o", out] + list(args), check=True,
                   capture_output=True)
    return out


def static_program(tmp, source, name="prog"):
    c = os.path.join(tmp, name + ".c")
    with open(c, "w") as f:
        f.write(source)
    return gcc(os.path.join(tmp, name), "-static", "-O2", c)


# ---- layers and image tarballs, made by hand ----

def layer(entries, gz=False):
    """A layer tar as bytes.  entries: (name, kind, value[, mode]) with
    kind "file" (value: bytes), "dir", "symlink" or "hardlink" (value:
    target)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if gz else "w",
                      format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            name, kind, value = e[:3]
            ti = tarfile.TarInfo(name)
            ti.mode = e[3] if len(e) > 3 else (0o755 if kind == "dir"
                                               else 0o644)
            data = None
            if kind == "file":
                data = value
                ti.size = len(value)
            elif kind == "dir":
                ti.type = tarfile.DIRTYPE
            elif kind == "symlink":
                ti.type, ti.linkname = tarfile.SYMTYPE, value
            elif kind == "hardlink":
                ti.type, ti.linkname = tarfile.LNKTYPE, value
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def config_json(entrypoint=None, cmd=None, env=None, workdir=None,
                ports=None):
    cfg = {"Entrypoint": entrypoint, "Cmd": cmd, "Env": env or [],
           "WorkingDir": workdir or ""}
    if ports:
        cfg["ExposedPorts"] = {p: {} for p in ports}
    return json.dumps({"architecture": "amd64", "os": "linux",
                       "config": cfg}).encode()


def _add(t, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))


def docker_tar(path, layers, config, tag="test/image:1", manifest=None):
    """A `docker save` tarball."""
    with tarfile.open(path, "w") as t:
        names = []
        for i, data in enumerate(layers):
            names.append(f"l{i}/layer.tar")
            _add(t, names[-1], data)
        _add(t, "config.json", config)
        man = manifest if manifest is not None else json.dumps(
            [{"Config": "config.json", "RepoTags": [tag] if tag else None,
              "Layers": names}]).encode()
        _add(t, "manifest.json", man)
    return path


def oci_tar(path, layers, config, drop_blob=None, corrupt_blob=None):
    """An OCI image layout tarball (index -> manifest -> config, layers)."""
    blobs = {}

    def blob(data):
        d = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[d] = data
        return d

    descs = [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
              "digest": blob(l), "size": len(l)} for l in layers]
    cfg = {"mediaType": "application/vnd.oci.image.config.v1+json",
           "digest": blob(config), "size": len(config)}
    man = json.dumps({"schemaVersion": 2, "config": cfg,
                      "layers": descs}).encode()
    md = blob(man)
    index = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": md, "size": len(man),
         "platform": {"architecture": "amd64", "os": "linux"}}]}).encode()
    with tarfile.open(path, "w") as t:
        _add(t, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        _add(t, "index.json", index)
        for d, data in blobs.items():
            if d == drop_blob:
                continue
            if d == corrupt_blob:
                data = data + b"x"
            _add(t, "blobs/sha256/" + d.split(":")[1], data)
    return path, [d["digest"] for d in descs]
