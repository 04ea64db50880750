"""The files a Debian program needs besides its ELF and libraries.

A program installed from a Debian package usually needs the rest of its
source package: python3.11's standard library (libpython3.11-stdlib),
nginx's configuration (nginx-common) and modules (libnginx-mod-*).  So for a program dpkg knows, the
installed binary packages built from the same source are packed too,
except what a VM never reads (documentation, manual pages, headers, init
scripts, static libraries, -dev and -doc packages).  Directories the
packages' install scripts create at run time (/var/lib/PKG, /var/log/PKG,
a web server's document root) come along as the host has them.
"""

import os
import shutil
import subprocess

SKIP_PREFIXES = ("/usr/share/doc", "/usr/share/man", "/usr/share/info",
                 "/usr/share/lintian", "/usr/share/bug", "/usr/share/menu",
                 "/usr/include", "/etc/init.d", "/etc/logrotate.d",
                 "/etc/default", "/etc/ufw", "/etc/systemd", "/lib/systemd",
                 "/usr/lib/systemd", "/usr/share/apport", "/etc/apport",
                 "/usr/share/pixmaps", "/usr/share/applications",
                 "/usr/share/binfmts", "/etc/cron.d", "/etc/cron.daily")
SKIP_SUFFIXES = (".a", ".h")
SKIP_PACKAGE_SUFFIXES = ("-dev", "-doc", "-dbg", "-dbgsym", "-venv",
                         "-examples", "-testsuite")
# What install scripts make, by source package: packed as the host has it
# (with /etc/SRC, where they add symlinks such as nginx's sites-enabled).
RUNTIME_DIRS = ("/var/lib/{src}", "/var/log/{src}", "/var/cache/{src}")
RUNTIME_EXTRA = {"nginx": ("/var/www/html",), "apache2": ("/var/www/html",)}


def _query(args):
    try:
        r = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None
    return r.stdout if r.returncode == 0 else None


def owner(path):
    """The binary package that installed path, or None."""
    if not shutil.which("dpkg-query"):
        return None
    for p in (os.path.realpath(path), path):
        out = _query(["dpkg-query", "-S", p])
        if out:
            return out.split(":", 1)[0].split(",")[0].strip()
    return None


def siblings(pkg):
    """The installed binary packages of pkg's source package."""
    out = _query(["dpkg-query", "-W", "-f",
                  "${source:Package}\t${Package}\t${db:Status-Status}\n"])
    src_of = {}
    for line in (out or "").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2] == "installed":
            src_of[parts[1]] = parts[0]
    src = src_of.get(pkg)
    if src is None:
        return None, []
    # and the source's plugin packages built elsewhere (libnginx-mod-*)
    return src, sorted(p for p, s in src_of.items()
                       if (s == src or p.startswith(f"lib{src}-")) and
                       not p.endswith(SKIP_PACKAGE_SUFFIXES))


def wanted(path):
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return False
    return os.path.lexists(path)


def package_paths(program):
    """(source package, [(host path, whole)]) to pack with program, or
    (None, []).  whole: a directory's files too, not just its tree."""
    pkg = owner(program)
    if not pkg:
        return None, []
    src, pkgs = siblings(pkg)
    paths = []
    for p in pkgs:
        out = _query(["dpkg-query", "-L", p]) or ""
        paths += [(l, False) for l in out.splitlines()
                  if l.startswith("/") and l != "/." and wanted(l)]
    # runtime state (logs, databases) stays on the host: the directories only
    for pattern in RUNTIME_DIRS:
        d = pattern.format(src=src)
        if os.path.isdir(d):
            paths.append((d, False))
    for d in ("/etc/" + src,) + RUNTIME_EXTRA.get(src, ()):
        if os.path.isdir(d):
            paths.append((d, True))
    return src, paths
