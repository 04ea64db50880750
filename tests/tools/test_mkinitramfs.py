#!/usr/bin/env python3
"""Tests of tools/mkinitramfs (stdlib unittest).

    python3 tests/tools/test_mkinitramfs.py [-v]

The tool is found next to this tree (../../tools/mkinitramfs) or at
$MKINITRAMFS.  Archives are checked with a newc parser written here,
independent of the tool's writer, and with the host's cpio if it has one.
"""

import importlib.machinery
import importlib.util
import io
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.environ.get("MKINITRAMFS",
                      os.path.join(HERE, "..", "..", "tools", "mkinitramfs"))
TRUE = shutil.which("true") or "/bin/true"


def load_tool():
    loader = importlib.machinery.SourceFileLoader("mkinitramfs", TOOL)
    spec = importlib.util.spec_from_loader("mkinitramfs", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


mk = load_tool()


# ---- an independent newc reader ----

FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
          "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize",
          "check")


def align4(n):
    return (n + 3) & ~3


def parse_newc(data):
    """Entries (dicts with name and data) up to the trailer; strict."""
    entries, off = [], 0
    while True:
        hdr = data[off:off + 110]
        assert len(hdr) == 110, f"truncated header at {off}"
        assert hdr[:6] == b"070701", f"magic {hdr[:6]!r} at {off}"
        e = {k: int(hdr[6 + 8 * i:14 + 8 * i], 16)
             for i, k in enumerate(FIELDS)}
        name = data[off + 110:off + 110 + e["namesize"]]
        assert name.endswith(b"\0") and b"\0" not in name[:-1]
        e["name"] = name[:-1].decode("utf-8", "surrogateescape")
        start = align4(off + 110 + e["namesize"])
        assert data[off + 110 + e["namesize"]:start].strip(b"\0") == b""
        e["data"] = data[start:start + e["filesize"]]
        assert len(e["data"]) == e["filesize"]
        off = align4(start + e["filesize"])
        if e["name"] == "TRAILER!!!":
            assert data[off:].strip(b"\0") == b"", "junk after trailer"
            assert len(data) % 512 == 0, "not padded to 512"
            return entries
        entries.append(e)


def by_name(entries):
    return {e["name"]: e for e in entries}


def manifest_of(entries):
    """The manifest's directives as (keyword, unescaped bytes) pairs."""
    text = by_name(entries)[".tessera/manifest"]["data"].decode("ascii")
    out = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            kw, _, value = line.partition(" ")
            out.append((kw, mk.unescape(value)))
    return out


# ---- fixtures ----

class ToolTest(unittest.TestCase):
    """A scratch directory with a few files, a tree and a symlink."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mkinitramfs-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.out = self.path("out.cpio")
        self.write("c.txt", b"config\n", 0o640)
        self.write("notelf", b"#!/bin/sh\necho hi\n", 0o755)
        self.write("tree/sub/f", b"deep file\n", 0o600)
        self.write("tree/run.sh", b"#!/bin/sh\n", 0o755)
        os.mkdir(self.path("tree/empty"))
        os.chmod(self.path("tree/empty"), 0o700)
        os.chmod(self.path("tree/sub"), 0o750)
        os.chmod(self.path("tree"), 0o755)
        os.symlink("sub/f", self.path("tree/link"))
        os.symlink("/nowhere/at/all", self.path("tree/dangling"))

    def path(self, rel):
        return os.path.join(self.tmp, rel)

    def write(self, rel, data, mode=0o644):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        return p

    def run_tool(self, *args, env=None):
        environ = dict(os.environ)
        environ.pop("SOURCE_DATE_EPOCH", None)
        environ.update(env or {})
        return subprocess.run([sys.executable, TOOL, "-o", self.out, *args],
                              capture_output=True, env=environ)

    def pack(self, *args, env=None):
        r = self.run_tool(*args, env=env)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(r.stderr, b"")
        with open(self.out, "rb") as f:
            return f.read()

    def leftovers(self):
        return [n for n in os.listdir(self.tmp) if n.endswith(".tmp")]


# ---- good images ----

class PackTest(ToolTest):
    def full_image(self, env=None):
        return self.pack("--program", TRUE,
                         "--file", self.path("c.txt") + ":/etc/c.txt",
                         "--dir", self.path("tree") + ":/srv",
                         "--arg=-v", "--arg", "two words",
                         "--env", "PATH=/bin", "--cwd", "/srv", env=env)

    def test_layout(self):
        data = self.full_image()
        entries = parse_newc(data)
        self.assertEqual([e["name"] for e in entries], [
            ".tessera", ".tessera/manifest", "bin", "bin/true", "etc",
            "etc/c.txt", "srv", "srv/dangling", "srv/empty", "srv/link",
            "srv/run.sh", "srv/sub", "srv/sub/f"])
        for ino, e in enumerate(entries, start=1):
            self.assertEqual(e["ino"], ino)
            self.assertEqual((e["uid"], e["gid"], e["mtime"]), (0, 0, 0))
            self.assertEqual(e["nlink"], 2 if stat.S_ISDIR(e["mode"]) else 1)
            self.assertEqual(e["check"], 0)

    def test_contents_and_modes(self):
        e = by_name(parse_newc(self.full_image()))
        with open(TRUE, "rb") as f:
            self.assertEqual(e["bin/true"]["data"], f.read())
        self.assertEqual(e["bin/true"]["mode"] & 0o111, 0o111)
        self.assertEqual(e["etc/c.txt"]["mode"], stat.S_IFREG | 0o640)
        self.assertEqual(e["etc/c.txt"]["data"], b"config\n")
        self.assertEqual(e["srv/sub/f"]["mode"], stat.S_IFREG | 0o600)
        self.assertEqual(e["srv/run.sh"]["mode"], stat.S_IFREG | 0o755)
        self.assertEqual(e["srv/link"]["mode"], stat.S_IFLNK | 0o777)
        self.assertEqual(e["srv/link"]["data"], b"sub/f")
        self.assertEqual(e["srv/dangling"]["data"], b"/nowhere/at/all")
        # Host modes for a --dir tree, 0755 for parents made up.
        self.assertEqual(e["srv"]["mode"], stat.S_IFDIR | 0o755)
        self.assertEqual(e["srv/empty"]["mode"], stat.S_IFDIR | 0o700)
        self.assertEqual(e["srv/sub"]["mode"], stat.S_IFDIR | 0o750)
        self.assertEqual(e["etc"]["mode"], stat.S_IFDIR | 0o755)
        self.assertEqual(e[".tessera"]["mode"], stat.S_IFDIR | 0o755)

    def test_manifest(self):
        m = manifest_of(parse_newc(self.full_image()))
        self.assertEqual(m, [
            ("program", b"/bin/true"), ("cwd", b"/srv"),
            ("arg", b"/bin/true"), ("arg", b"-v"), ("arg", b"two words"),
            ("env", b"PATH=/bin")])

    def test_defaults(self):
        """No guest paths given: /bin/NAME, and files at their own path."""
        rel = os.path.relpath(self.path("c.txt"))
        e = by_name(parse_newc(self.pack(
            "--program", TRUE, "--file", self.path("c.txt"),
            "--file", rel + ":/rel.txt", "--argv0", "truth")))
        self.assertIn("bin/true", e)
        self.assertIn(self.path("c.txt").lstrip("/"), e)
        self.assertIn("rel.txt", e)
        m = manifest_of(list(e.values()))
        self.assertIn(("cwd", b"/"), m)
        self.assertEqual([v for k, v in m if k == "arg"], [b"truth"])

    def test_dir_at_root_and_merge(self):
        """--dir ...:/ spreads a tree at the root; directories merge."""
        self.write("other/sub/g", b"g\n")
        e = by_name(parse_newc(self.pack(
            "--dir", self.path("tree") + ":/",
            "--dir", self.path("other") + ":/")))
        self.assertEqual(e["sub/f"]["data"], b"deep file\n")
        self.assertEqual(e["sub/g"]["data"], b"g\n")
        self.assertNotIn(".tessera/manifest", e)   # no program, no manifest

    def test_guest_paths_normalised(self):
        e = by_name(parse_newc(self.pack(
            "--file", self.path("c.txt") + "://etc/./x//c.txt")))
        self.assertIn("etc/x/c.txt", e)
        self.assertIn("etc/x", e)

    def test_deterministic(self):
        first = self.full_image()
        os.utime(self.path("c.txt"), (1, 1))
        self.assertEqual(self.full_image(), first)
        later = self.full_image(env={"SOURCE_DATE_EPOCH": "1700000000"})
        self.assertTrue(all(e["mtime"] == 1700000000
                            for e in parse_newc(later)))

    def test_output_replaced_and_readable(self):
        with open(self.out, "wb") as f:
            f.write(b"old")
        self.pack("--file", self.path("c.txt") + ":/c")
        self.assertEqual(stat.S_IMODE(os.stat(self.out).st_mode), 0o644)
        self.assertEqual(self.leftovers(), [])

    @unittest.skipUnless(shutil.which("cpio"), "no host cpio")
    def test_host_cpio_reads_it(self):
        data = self.full_image()
        names = [e["name"] for e in parse_newc(data)]
        listing = subprocess.run(["cpio", "-it", "--quiet"], input=data,
                                 capture_output=True, check=True)
        self.assertEqual(listing.stdout.decode().splitlines(), names)
        dest = self.path("x")
        os.mkdir(dest)
        subprocess.run(["cpio", "-id", "--quiet"], input=data, cwd=dest,
                       capture_output=True, check=True)
        self.assertEqual(os.readlink(os.path.join(dest, "srv/link")), "sub/f")
        with open(os.path.join(dest, "srv/link"), "rb") as f:
            self.assertEqual(f.read(), b"deep file\n")
        self.assertTrue(os.access(os.path.join(dest, "bin/true"), os.X_OK))


# ---- the manifest's escaping ----

class EscapeTest(unittest.TestCase):
    SAMPLES = ["", "plain", "two words", "back\\slash", "new\nline",
               "tab\there", "\x7f\x01", "café", "\\n literally",
               os.fsdecode(b"\xff\xfe raw bytes"), "x" * 1000,
               "".join(chr(c) for c in range(1, 128))]

    def test_round_trip(self):
        for s in self.SAMPLES:
            e = mk.escape(s)
            self.assertTrue(all(0x20 <= ord(c) <= 0x7E for c in e), e)
            self.assertEqual(mk.unescape(e), os.fsencode(s))

    def test_exact_form(self):
        self.assertEqual(mk.escape("a\\b\nc\td"), "a\\\\b\\nc\\x09d")
        self.assertEqual(mk.escape("é"), "\\xc3\\xa9")
        self.assertEqual(mk.escape(b"\x80"), "\\x80")

    def test_nul_refused(self):
        with self.assertRaises(mk.MkError):
            mk.escape("a\0b")

    def test_unescape_refuses_bad_escapes(self):
        for bad in ["\\", "\\t", "\\x4", "\\xg0", "a\\"]:
            with self.assertRaises(ValueError):
                mk.unescape(bad)

    def test_through_the_archive(self):
        """Arguments from the command line, bytes and all, come back."""
        args = [b"new\nline", b"tab\there", b"\xff\xfe", b"back\\slash",
                b"-", b""]
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.cpio")
            cmd = [sys.executable.encode(), os.fsencode(TOOL), b"-o",
                   os.fsencode(out), b"--program", os.fsencode(TRUE)]
            for a in args:
                cmd += [b"--arg=" + a]
            cmd += [b"--env", b"K=v\nw"]
            subprocess.run(cmd, check=True)
            with open(out, "rb") as f:
                m = manifest_of(parse_newc(f.read()))
        self.assertEqual([v for k, v in m if k == "arg"],
                         [b"/bin/true"] + args)
        self.assertEqual([v for k, v in m if k == "env"], [b"K=v\nw"])


# ---- limits shared with the kernel's parser ----

class LimitTest(unittest.TestCase):
    def test_line_length(self):
        ok = "x" * (mk.MANIFEST_MAX_LINE - 4)
        mk.manifest_text("/p", [ok])
        with self.assertRaises(mk.MkError):
            mk.manifest_text("/p", [ok + "x"])
        with self.assertRaises(mk.MkError):          # escapes count
            mk.manifest_text("/p", ["\n" * (mk.MANIFEST_MAX_LINE // 2)])

    def test_counts(self):
        mk.manifest_text("/p", ["a"] * mk.MANIFEST_MAX_ARGS,
                         ["A=1"] * mk.MANIFEST_MAX_ENV)
        with self.assertRaises(mk.MkError):
            mk.manifest_text("/p", ["a"] * (mk.MANIFEST_MAX_ARGS + 1))
        with self.assertRaises(mk.MkError):
            mk.manifest_text("/p", ["/p"], ["A=1"] * (mk.MANIFEST_MAX_ENV + 1))

    def test_string_space(self):
        """program, cwd, args, env and one NUL each: MANIFEST_STRBUF."""
        used = len("/p") + 1 + len("/") + 1
        left = mk.MANIFEST_STRBUF - used
        args, each = [], 4000
        while left > 0:
            n = min(each, left - 1)
            args.append("y" * n)
            left -= n + 1
        mk.manifest_text("/p", args, cwd="/")
        args[-1] += "y"
        with self.assertRaises(mk.MkError):
            mk.manifest_text("/p", args, cwd="/")


# ---- errors: status 2, one line, nothing written ----

class ErrorTest(ToolTest):
    def fails(self, *args, message, env=None, sentinel=False):
        if sentinel:
            with open(self.out, "wb") as f:
                f.write(b"keep me")
        elif os.path.exists(self.out):
            os.unlink(self.out)
        r = self.run_tool(*args, env=env)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 2, err)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertTrue(err.startswith("mkinitramfs: "), err)
        self.assertIn(message, err)
        if sentinel:
            with open(self.out, "rb") as f:
                self.assertEqual(f.read(), b"keep me")
        else:
            self.assertFalse(os.path.exists(self.out))
        self.assertEqual(self.leftovers(), [])
        return err

    def test_missing_inputs(self):
        gone = self.path("gone")
        self.fails("--program", gone, message="no such program: " + gone)
        self.fails("--file", gone, message="no such file: " + gone)
        self.fails("--dir", gone, message="no such directory: " + gone,
                   sentinel=True)
        self.fails("--file", self.path("tree"), message="not a regular file")

    def test_output_directory_missing(self):
        r = subprocess.run([sys.executable, TOOL, "-o",
                            self.path("no/such/dir/o.cpio"),
                            "--file", self.path("c.txt")], capture_output=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"no such directory for the output", r.stderr)

    def test_not_elf(self):
        p = self.path("notelf")
        self.fails("--program", p, message="not an ELF executable: " + p)
        short = self.write("short", b"\x7fEL", 0o755)
        self.fails("--program", short, message="not an ELF executable")

    def fake_elf(self, name, elf_class, machine, e_type=2):
        hdr = bytearray(64)
        hdr[:4] = b"\x7fELF"
        hdr[4], hdr[5], hdr[6] = elf_class, 1, 1
        struct.pack_into("<HH", hdr, 16, e_type, machine)
        return self.write(name, bytes(hdr), 0o755)

    def test_wrong_elf(self):
        arm = self.fake_elf("arm64", 2, 183)
        self.fails("--program", arm, message="not an x86-64 ELF")
        i386 = self.fake_elf("i386", 1, 3)
        self.fails("--program", i386, message="not an x86-64 ELF",
                   sentinel=True)
        obj = self.fake_elf("obj.o", 2, 62, e_type=1)
        self.fails("--program", obj, message="not an ELF executable")

    def test_relative_guest(self):
        c = self.path("c.txt")
        self.fails("--file", c + ":etc/c.txt", message="not absolute")
        self.fails("--file", c + ":", message="not absolute")
        self.fails("--program", TRUE + ":bin/true", message="not absolute")
        self.fails("--program", TRUE, "--cwd", "srv", message="not absolute")

    def test_dotdot(self):
        c = self.path("c.txt")
        self.fails("--file", c + ":/etc/../../x", message="'..'")
        self.fails("--dir", self.path("tree") + ":/a/..", message="'..'")
        self.fails("--program", TRUE + ":/bin/../true", message="'..'")
        self.fails("--program", TRUE, "--cwd", "/..", message="'..'",
                   sentinel=True)

    def test_duplicates(self):
        c = self.path("c.txt")
        self.fails("--file", c + ":/x", "--file", c + ":/x",
                   message="duplicate guest path: /x")
        self.fails("--file", c + ":/x", "--file", c + "://x/.",
                   message="duplicate guest path: /x")
        self.fails("--program", TRUE, "--file", c + ":/bin/true",
                   message="duplicate guest path: /bin/true")
        self.fails("--program", TRUE, "--file", c + ":/.tessera/manifest",
                   message="duplicate guest path: /.tessera/manifest")
        self.fails("--dir", self.path("tree") + ":/srv",
                   "--file", c + ":/srv/link",
                   message="duplicate guest path: /srv/link")
        self.fails("--dir", self.path("tree") + ":/srv", "--file", c + ":/srv",
                   message="duplicate guest path: /srv", sentinel=True)
        self.fails("--file", c + ":/a", "--file", c + ":/a/b",
                   message="duplicate guest path: /a")
        self.fails("--file", c + ":/", message="\"/\"")
        self.fails("--program", TRUE, "--cwd", "/bin/true",
                   message="duplicate guest path: /bin/true")

    def test_bad_options(self):
        self.fails("--arg", "x", message="need --program")
        self.fails("--program", TRUE, "--env", "NOEQUALS", message="KEY=VALUE")
        self.fails("--program", TRUE, "--env", "=v", message="KEY=VALUE")
        self.fails("--program", TRUE,
                   *["--arg=a"] * mk.MANIFEST_MAX_ARGS,
                   message="too many arguments")
        self.fails("--file", self.path("c.txt"),
                   env={"SOURCE_DATE_EPOCH": "yesterday"},
                   message="SOURCE_DATE_EPOCH")

    @unittest.skipUnless(hasattr(os, "mkfifo"), "no FIFOs here")
    def test_special_file_in_dir(self):
        os.mkfifo(self.path("tree/fifo"))
        self.fails("--dir", self.path("tree"), message="unsupported file type")

    def test_usage_errors(self):
        r = subprocess.run([sys.executable, TOOL], capture_output=True)
        self.assertEqual(r.returncode, 2)


# ---- the module's own API ----

class ApiTest(unittest.TestCase):
    def test_tree_parents_and_merge(self):
        t = mk.Tree()
        t.add_bytes("/a/b/c", b"x")
        t.add_dir("/a/b", 0o700)            # explicit mode beats implied
        t.add_dir("/a/b", 0o755)            # a second explicit one merges
        t.add_dir("/a", 0o711, implied=True)
        modes = {e.path: e.mode for e in t.sorted_entries()}
        self.assertEqual(modes, {"/a": stat.S_IFDIR | 0o755,
                                 "/a/b": stat.S_IFDIR | 0o700,
                                 "/a/b/c": stat.S_IFREG | 0o644})

    def test_sort_by_components(self):
        t = mk.Tree()
        for p in ["/a-b", "/a/b", "/a.c", "/a/a"]:
            t.add_bytes(p, b"")
        self.assertEqual([e.path for e in t.sorted_entries()],
                         ["/a", "/a/a", "/a/b", "/a-b", "/a.c"])

    def test_write_newc_in_memory(self):
        t = mk.plan_image(program=TRUE + ":/p", args=["x"], cwd="/w")
        buf = io.BytesIO()
        mk.write_newc(buf, t, mtime=7)
        e = by_name(parse_newc(buf.getvalue()))
        self.assertEqual(sorted(e), [".tessera", ".tessera/manifest", "p",
                                     "w"])
        self.assertEqual(e["p"]["mtime"], 7)

    def test_guest_path(self):
        self.assertEqual(mk.guest_path("/"), "/")
        self.assertEqual(mk.guest_path("/./a//b/"), "/a/b")
        for bad in ["", "a", "./a", "/a/../b", "/..", "/a\0"]:
            with self.assertRaises(mk.MkError):
                mk.guest_path(bad)


if __name__ == "__main__":
    unittest.main()
