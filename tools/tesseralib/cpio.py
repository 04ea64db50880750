"""A reader of cpio "newc" archives (what tools/mkinitramfs writes), for
inspecting images and reading their /.tessera files on the host."""

import stat

HEADER = 110
FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "size",
          "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize",
          "check")


class CpioError(Exception):
    pass


class Member:
    def __init__(self, name, fields, offset):
        self.name = name
        self.mode = fields["mode"]
        self.size = fields["size"]
        self.mtime = fields["mtime"]
        self.offset = offset        # of the data in the archive
        self.target = None          # a symlink's target

    def kind(self):
        if stat.S_ISDIR(self.mode):
            return "dir"
        if stat.S_ISLNK(self.mode):
            return "symlink"
        if stat.S_ISREG(self.mode):
            return "file"
        return "other"


def _align(n):
    return (n + 3) & ~3


def members(f):
    """The members of the newc archive open in f, up to the trailer."""
    out, off = [], 0
    while True:
        f.seek(off)
        hdr = f.read(HEADER)
        if len(hdr) != HEADER or hdr[:6] not in (b"070701", b"070702"):
            raise CpioError(f"not a newc header at offset {off}")
        try:
            v = {k: int(hdr[6 + 8 * i:14 + 8 * i], 16)
                 for i, k in enumerate(FIELDS)}
        except ValueError:
            raise CpioError(f"bad header at offset {off}") from None
        name = f.read(v["namesize"])
        if len(name) != v["namesize"] or not name.endswith(b"\0"):
            raise CpioError(f"bad name at offset {off}")
        name = name[:-1].decode("utf-8", "surrogateescape")
        data = _align(off + HEADER + v["namesize"])
        if name == "TRAILER!!!":
            return out
        m = Member("/" + name.lstrip("/") if name != "." else "/", v, data)
        if stat.S_ISLNK(m.mode):
            f.seek(data)
            m.target = f.read(m.size).decode("utf-8", "surrogateescape")
        out.append(m)
        off = _align(data + v["size"])


def read_member(f, m):
    f.seek(m.offset)
    data = f.read(m.size)
    if len(data) != m.size:
        raise CpioError(f"truncated member {m.name}")
    return data


def is_cpio(path):
    try:
        with open(path, "rb") as f:
            return f.read(6) in (b"070701", b"070702")
    except OSError:
        return False
