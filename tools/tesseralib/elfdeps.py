"""The shared libraries an x86-64 ELF needs, found the way ld.so finds them.

parse_elf() reads what the loader reads: PT_INTERP and, through
PT_DYNAMIC, DT_NEEDED, DT_SONAME, DT_RPATH and DT_RUNPATH.  resolve()
walks the DT_NEEDED graph breadth first, as ld.so loads it, searching for
each name (glibc's order, elf/dl-load.c _dl_map_object):

  1. a name with a "/" is a path, used as is;
  2. if the requesting object has no DT_RUNPATH: its DT_RPATH, then the
     DT_RPATH of the objects that loaded it, up to the executable;
  3. LD_LIBRARY_PATH (only if given to resolve());
  4. the requesting object's own DT_RUNPATH (never inherited);
  5. the directories of /etc/ld.so.conf and its includes (where
     ld.so.cache would point);
  6. the default directories.

$ORIGIN, $LIB and $PLATFORM (also as ${...}) are expanded.  A candidate
that is not an x86-64 ELF64 shared object is skipped, as ld.so does.  A
name already loaded (by DT_NEEDED name or DT_SONAME) is not searched
again, which is also what breaks cycles.  Lookups happen under `root`
("/" for the host, an unpacked image otherwise), with symlinks resolved
inside it.
"""

import glob
import os
import struct

from .paths import PathError, resolve_in_root

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = \
    0, 1, 5, 14, 15, 29
EM_X86_64 = 62
ET_EXEC, ET_DYN = 2, 3

DEFAULT_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                "/lib64", "/usr/lib64", "/lib", "/usr/lib"]
PLATFORM = "x86_64"


class ElfError(Exception):
    """Not an ELF we can use, or a library that cannot be found."""


class MissingLibrary(ElfError):
    def __init__(self, name, needed_by):
        super().__init__(f"library not found: {name} (needed by {needed_by})")
        self.name = name
        self.needed_by = needed_by


class ElfInfo:
    """What the loader needs to know about one ELF file."""

    def __init__(self, e_type):
        self.e_type = e_type
        self.interp = None
        self.needed = []
        self.soname = None
        self.rpath = []
        self.runpath = []
        self.dynamic = False


def _read(f, off, size):
    f.seek(off)
    data = f.read(size)
    if len(data) != size:
        raise ElfError("truncated")
    return data


def _header(f):
    hdr = f.read(64)
    if len(hdr) < 64 or hdr[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    if hdr[4] != 2 or hdr[5] != 1:
        raise ElfError("not a 64-bit little-endian ELF")
    e_type, e_machine = struct.unpack_from("<HH", hdr, 16)
    if e_machine != EM_X86_64:
        raise ElfError(f"not an x86-64 ELF (machine {e_machine})")
    if e_type not in (ET_EXEC, ET_DYN):
        raise ElfError(f"not an executable or shared object (type {e_type})")
    e_phoff, = struct.unpack_from("<Q", hdr, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", hdr, 54)
    if e_phnum and e_phentsize < 56:
        raise ElfError("bad program header size")
    return e_type, e_phoff, e_phentsize, e_phnum


def _phdrs(f, off, size, num):
    out = []
    for i in range(num):
        p = _read(f, off + i * size, 56)
        p_type, _, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = \
            struct.unpack("<IIQQQQQQ", p)
        out.append((p_type, p_offset, p_vaddr, p_filesz))
    return out


def _vaddr_to_offset(loads, vaddr):
    for _, off, va, filesz in loads:
        if va <= vaddr < va + filesz:
            return off + (vaddr - va)
    raise ElfError(f"address {vaddr:#x} is in no PT_LOAD segment")


def _cstring(f, off):
    f.seek(off)
    out = bytearray()
    while True:
        chunk = f.read(256)
        if not chunk:
            raise ElfError("unterminated string")
        i = chunk.find(b"\0")
        if i >= 0:
            return os.fsdecode(bytes(out + chunk[:i]))
        out += chunk
        if len(out) > 65536:
            raise ElfError("string too long")


def _dynamic(f, info, dyn, loads):
    _, off, _, filesz = dyn
    entries = []
    data = _read(f, off, filesz - filesz % 16)
    for i in range(0, len(data), 16):
        tag, val = struct.unpack_from("<qQ", data, i)
        if tag == DT_NULL:
            break
        entries.append((tag, val))
    strtab = [v for t, v in entries if t == DT_STRTAB]
    if not strtab:
        return
    base = _vaddr_to_offset(loads, strtab[0])
    for tag, val in entries:
        if tag == DT_NEEDED:
            info.needed.append(_cstring(f, base + val))
        elif tag == DT_SONAME:
            info.soname = _cstring(f, base + val)
        elif tag == DT_RPATH:
            info.rpath = _cstring(f, base + val).split(":")
        elif tag == DT_RUNPATH:
            info.runpath = _cstring(f, base + val).split(":")


def parse_elf(path):
    """ElfInfo of the file at path; ElfError if it is not an x86-64 ELF."""
    with open(path, "rb") as f:
        e_type, phoff, phentsize, phnum = _header(f)
        phdrs = _phdrs(f, phoff, phentsize, phnum)
        info = ElfInfo(e_type)
        loads = [p for p in phdrs if p[0] == PT_LOAD]
        for p in phdrs:
            if p[0] == PT_INTERP:
                info.interp = _cstring(f, p[1])
            elif p[0] == PT_DYNAMIC:
                info.dynamic = True
                _dynamic(f, info, p, loads)
    return info


def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


# ---- search paths ----

def default_lib_token(root="/"):
    """What $LIB expands to: Debian's glibc says lib/x86_64-linux-gnu."""
    multiarch = os.path.join(root, "lib/x86_64-linux-gnu")
    return "lib/x86_64-linux-gnu" if os.path.isdir(multiarch) else "lib64"


def expand_tokens(entry, origin, lib):
    for name, value in (("ORIGIN", origin), ("LIB", lib),
                        ("PLATFORM", PLATFORM)):
        entry = entry.replace("${" + name + "}", value)
        entry = entry.replace("$" + name, value)
    return entry


def read_ld_so_conf(root="/", conf="/etc/ld.so.conf", depth=0):
    """The directories listed in ld.so.conf and its include globs."""
    dirs = []
    try:
        with open(os.path.join(root, conf.lstrip("/"))) as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return dirs
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("include") and depth < 8:
            pattern = line.split(None, 1)[1] if " " in line or "\t" in line \
                else ""
            if not pattern.startswith("/"):
                pattern = os.path.join(os.path.dirname(conf), pattern)
            base = os.path.join(root, pattern.lstrip("/"))
            for inc in sorted(glob.glob(base)):
                rel = "/" + os.path.relpath(inc, root)
                dirs += read_ld_so_conf(root, rel, depth + 1)
        elif line.startswith("/"):
            dirs.append(line.split("=", 1)[0])
    return dirs


# ---- the resolver ----

class Loaded:
    """One object in the load order: where the loader finds it."""

    def __init__(self, guest, host, info, loader, via):
        self.guest = guest      # the path ld.so opens (in the image)
        self.host = host        # the real file on the host (symlinks resolved)
        self.info = info
        self.loader = loader    # the Loaded that needed it first
        self.via = via          # "path", "rpath", "runpath", "conf", "default"
        self.aliases = []       # other paths it is opened by (same file)


class Resolver:
    def __init__(self, root="/", ld_library_path=(), lib=None, conf_dirs=None):
        self.root = root
        self.lib = lib or default_lib_token(root)
        self.ld_library_path = list(ld_library_path)
        self.conf_dirs = read_ld_so_conf(root) if conf_dirs is None \
            else list(conf_dirs)

    def _host(self, guest):
        """The host file for a guest path, or None if there is none."""
        try:
            return resolve_in_root(self.root, guest)
        except PathError:
            return None

    def _usable(self, host):
        if host is None or not os.path.isfile(host):
            return None
        try:
            return parse_elf(host)
        except (ElfError, OSError):
            return None

    def _dirs(self, obj, entries):
        origin = os.path.dirname(obj.guest) or "/"
        out = []
        for e in entries:
            e = expand_tokens(e, origin, self.lib) if e else "."
            out.append(e)
        return out

    def search_order(self, obj):
        """[(directory, how)] to search for a name obj needs."""
        order = []
        if not obj.info.runpath:
            o = obj
            while o is not None:
                order += [(d, "rpath") for d in self._dirs(o, o.info.rpath)]
                o = o.loader
        order += [(d, "ld_library_path") for d in self.ld_library_path]
        order += [(d, "runpath") for d in self._dirs(obj, obj.info.runpath)]
        order += [(d, "conf") for d in self.conf_dirs]
        order += [(d, "default") for d in DEFAULT_DIRS]
        return order

    def find(self, name, obj):
        if "/" in name:
            host = self._host(name if name.startswith("/")
                              else "/" + name)
            info = self._usable(host)
            return (name, host, info, "path") if info else None
        for d, how in self.search_order(obj):
            if not d.startswith("/"):
                continue        # relative to the guest's cwd: not knowable
            guest = os.path.normpath(os.path.join(d, name))
            host = self._host(guest)
            info = self._usable(host)
            if info is not None and info.e_type == ET_DYN:
                return guest, host, info, how
        return None

    def resolve(self, program_guest):
        """The executable and every library it loads, in load order (the
        executable first).  The interpreter is not in the list; it is
        program.info.interp.  MissingLibrary if a name is not found."""
        host = self._host(program_guest)
        if host is None or not os.path.isfile(host):
            raise ElfError(f"no such program: {program_guest}")
        exe = Loaded(program_guest, host, parse_elf(host), None, "path")
        order, byname, queue = [exe], {}, [exe]
        while queue:
            obj = queue.pop(0)
            for name in obj.info.needed:
                if name in byname:
                    continue
                found = self.find(name, obj)
                if found is None:
                    raise MissingLibrary(name, obj.guest)
                guest, host, info, how = found
                dup = [o for o in order if o.host == host or
                       (info.soname and o.info.soname == info.soname)]
                if dup:
                    byname[name] = dup[0]
                    if guest != dup[0].guest and guest not in dup[0].aliases:
                        dup[0].aliases.append(guest)
                    continue
                lib = Loaded(guest, host, info, obj, how)
                byname[name] = lib
                if info.soname:
                    byname.setdefault(info.soname, lib)
                order.append(lib)
                queue.append(lib)
        return order


def dependencies(program_guest, root="/", **kw):
    """(exe Loaded, [library Loaded...], interpreter (guest, host) or None)."""
    r = Resolver(root, **kw)
    order = r.resolve(program_guest)
    exe = order[0]
    interp = None
    if exe.info.interp:
        host = r._host(exe.info.interp)
        if host is None or not os.path.isfile(host):
            raise MissingLibrary(exe.info.interp, exe.guest + " as its "
                                 "interpreter")
        interp = (exe.info.interp, host)
    return exe, order[1:], interp
