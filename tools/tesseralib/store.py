"""The local package store: unpacked image roots with their config.

    $TESSERA_HOME/pkgs/NAME/       (default ~/.local/share/tessera/pkgs)
        package.json   name, source, entrypoint, cmd, env, workdir, ports,
                       size, files, created
        root/          the unpacked root directory

A package is unpacked into a hidden temporary directory of the store and
renamed into place at the end, so a failed import leaves nothing behind.
"""

import json
import os
import re
import shutil
import tempfile
import time

from . import oci

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$")


class StoreError(Exception):
    """No such package, a bad name, or one that exists: exit 2."""


def home():
    base = os.environ.get("TESSERA_HOME")
    if base:
        return os.path.join(base, "pkgs")
    return os.path.join(os.path.expanduser("~"), ".local", "share",
                        "tessera", "pkgs")


def check_name(name):
    if not name or not NAME_RE.match(name) or ".." in name:
        raise StoreError(f"bad package name {name!r} (letters, digits, "
                         "'.', '_', ':', '@', '+', '-')")
    return name


def name_from(tag, path):
    """A package name from a repo tag ("docker.io/library/x:1" -> "x:1")
    or from the tarball's name."""
    base = tag.rsplit("/", 1)[-1] if tag else \
        os.path.basename(path).split(".tar")[0]
    return re.sub(r"[^A-Za-z0-9._:@+-]", "_", base).lstrip("._:@+-") or "image"


def pkg_dir(name):
    return os.path.join(home(), check_name(name))


def from_oci(path, name=None, force=False, progress=None):
    """Unpacks an image tarball into the store; returns its info dict."""
    if name is not None:
        check_name(name)
        if os.path.exists(pkg_dir(name)) and not force:
            raise StoreError(f"package {name} exists (use --force to "
                             "replace it)")
    os.makedirs(home(), 0o755, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".import-", dir=home())
    try:
        root = os.path.join(tmp, "root")
        os.mkdir(root, 0o755)
        config, stats = oci.unpack(path, root, progress)
        name = check_name(name or name_from(config.name, path))
        info = config.to_json()
        info.update(name=name, source=os.path.abspath(path),
                    files=stats.files, size=stats.bytes,
                    skipped=stats.skipped, created=int(time.time()))
        with open(os.path.join(tmp, "package.json"), "w") as f:
            json.dump(info, f, indent=1, sort_keys=True)
        _install(tmp, name, force)
        return info
    except BaseException:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp)
        raise


def _install(tmp, name, force):
    dest = pkg_dir(name)
    if os.path.exists(dest):
        if not force:
            raise StoreError(f"package {name} exists (use --force to "
                             "replace it)")
        shutil.rmtree(dest)
    os.rename(tmp, dest)


def show(name):
    try:
        with open(os.path.join(pkg_dir(name), "package.json")) as f:
            info = json.load(f)
    except (OSError, ValueError):
        raise StoreError(f"no such package: {name}") from None
    info["root"] = root(name)
    return info


def root(name):
    return os.path.join(pkg_dir(name), "root")


def listing():
    if not os.path.isdir(home()):
        return []
    out = []
    for n in sorted(os.listdir(home())):
        if n.startswith("."):
            continue
        try:
            out.append(show(n))
        except StoreError:
            continue
    return out


def remove(name):
    d = pkg_dir(name)
    if not os.path.isfile(os.path.join(d, "package.json")):
        raise StoreError(f"no such package: {name}")
    shutil.rmtree(d)
