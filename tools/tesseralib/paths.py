"""Paths inside an image root, resolved without ever leaving it.

An image root is a host directory standing for the guest's "/".  Its
symlinks mean what they mean in the guest: an absolute target starts at
the root, ".." stops at the root.  resolve_in_root() follows them that way
(chroot semantics), so no lookup can reach a host file outside the root.
"""

import os
import stat

MAX_LINKS = 40


class PathError(Exception):
    """A path that escapes, loops or has bad components."""


def clean_parts(path):
    """The components of a path with "" and "." dropped."""
    return [p for p in path.split("/") if p not in ("", ".")]


def member_parts(name):
    """Components of an archive member name; PathError on any traversal."""
    if "\0" in name:
        raise PathError(f"NUL in a member name: {name!r}")
    if name.startswith("/"):
        raise PathError(f"absolute member name refused: {name}")
    parts = clean_parts(name)
    if ".." in parts:
        raise PathError(f"path traversal refused: {name}")
    return parts


def resolve_in_root(root, guest, follow_last=True):
    """The host path of guest path `guest` under `root`, its symlinks
    resolved inside the root.  With follow_last=False the last component
    is not followed (for lstat-like use)."""
    todo = clean_parts(guest)
    done = []
    links = 0
    while todo:
        part = todo.pop(0)
        if part == "..":
            if done:
                done.pop()
            continue
        host = os.path.join(root, *done, part)
        try:
            st = os.lstat(host)
        except FileNotFoundError:
            done.append(part)
            done += [p for p in todo]
            return _join(root, done)
        except NotADirectoryError:
            raise PathError(f"not a directory on the way to {guest}")
        if stat.S_ISLNK(st.st_mode) and (todo or follow_last):
            links += 1
            if links > MAX_LINKS:
                raise PathError(f"too many symlinks: {guest}")
            target = os.readlink(host)
            if target.startswith("/"):
                done = []
            todo = clean_parts(target) + todo
            continue
        done.append(part)
    return _join(root, done)


def _join(root, parts):
    if ".." in parts:       # left over after a missing component
        raise PathError("path traversal refused: " + "/".join(parts))
    return os.path.join(root, *parts) if parts else root.rstrip("/") or "/"


def guest_of(root, host):
    """The guest path of a host path under root."""
    rel = os.path.relpath(host, root)
    return "/" if rel == "." else "/" + rel
