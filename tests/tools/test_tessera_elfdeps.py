#!/usr/bin/env python3
"""Tests of the dependency resolver (tools/tesseralib/elfdeps.py).

    python3 tests/tools/test_tessera_elfdeps.py [-v]

Small ELFs are built with the host's gcc in a temp dir: DT_NEEDED
chains, RUNPATH with $ORIGIN, RPATH that propagates, a missing library,
a cycle between two shared objects.
"""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tessera_testutil import GCC, gcc, private_env, run_tool  # noqa: E402
from tesseralib import elfdeps  # noqa: E402


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


@unittest.skipUnless(GCC, "no host gcc")
class ResolverTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="elfdeps-")
        t = cls.tmp
        lib = os.path.join(t, "app", "lib")
        os.makedirs(lib)
        base = write(f"{t}/base.c", "int base(void) { return 1; }\n")
        mid = write(f"{t}/mid.c", "int base(void);\n"
                    "int mid(void) { return base() + 1; }\n")
        main = write(f"{t}/main.c", "int mid(void);\n"
                     "int main(void) { return mid(); }\n")
        so = ["-shared", "-fPIC"]
        gcc(f"{lib}/libbase.so.1", *so, "-Wl,-soname,libbase.so.1", base)
        os.symlink("libbase.so.1", f"{lib}/libbase.so")
        # libmid finds libbase through its own RUNPATH.
        gcc(f"{lib}/libmid.so", *so, "-Wl,-soname,libmid.so", mid,
            f"-L{lib}", "-lbase", "-Wl,--enable-new-dtags,-rpath,$ORIGIN")
        # libmid2 has no path of its own: only an inherited RPATH finds
        # libbase for it.
        gcc(f"{lib}/libmid2.so", *so, "-Wl,-soname,libmid2.so", mid,
            f"-L{lib}", "-lbase")
        cls.app = gcc(f"{t}/app/main", main, f"-L{lib}", "-lmid",
                      "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib")
        cls.app_runpath_only = gcc(
            f"{t}/app/main2", main, f"-L{lib}", "-lmid2",
            f"-Wl,-rpath-link,{lib}",
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/lib")
        cls.app_rpath = gcc(f"{t}/app/main3", main, f"-L{lib}", "-lmid2",
                            f"-Wl,-rpath-link,{lib}",
                            "-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib")
        cls.app_missing = gcc(f"{t}/app/main4", main, f"-L{lib}", "-lmid",
                              f"-Wl,-rpath-link,{lib}")
        cls.cycle(t, so)

    @classmethod
    def cycle(cls, t, so):
        """liba needs libb and libb needs liba: a two-step build."""
        d = os.path.join(t, "cyc")
        a = write(f"{d}/a.c", "int b(void);\nint a(void) { return 1; }\n"
                  "int ab(void) { return b(); }\n")
        b = write(f"{d}/b.c", "int a(void);\nint b(void) { return a(); }\n")
        m = write(f"{d}/m.c", "int ab(void);\n"
                  "int main(void) { return ab(); }\n")
        flags = so + [f"-L{d}", "-Wl,--enable-new-dtags,-rpath,$ORIGIN"]
        gcc(f"{d}/liba.so", *so, "-Wl,-soname,liba.so", a)
        gcc(f"{d}/libb.so", *flags, "-Wl,-soname,libb.so", b, "-la")
        gcc(f"{d}/liba.so", *flags, "-Wl,-soname,liba.so", a, "-lb")
        cls.cyc = gcc(f"{d}/m", m, *flags[2:], "-la")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def names(self, libs):
        return {os.path.basename(l.guest): l for l in libs}

    def test_parse(self):
        info = elfdeps.parse_elf(self.app)
        self.assertEqual(info.interp, "/lib64/ld-linux-x86-64.so.2")
        self.assertIn("libmid.so", info.needed)
        self.assertEqual(info.runpath, ["$ORIGIN/lib"])
        self.assertEqual(info.rpath, [])
        lib = elfdeps.parse_elf(f"{self.tmp}/app/lib/libbase.so.1")
        self.assertEqual(lib.soname, "libbase.so.1")
        self.assertIsNone(lib.interp)

    def test_chain_with_origin(self):
        exe, libs, interp = elfdeps.dependencies(self.app)
        n = self.names(libs)
        lib = os.path.join(self.tmp, "app", "lib")
        self.assertEqual(n["libmid.so"].guest, f"{lib}/libmid.so")
        self.assertEqual(n["libmid.so"].via, "runpath")
        self.assertEqual(n["libbase.so.1"].guest, f"{lib}/libbase.so.1")
        self.assertIn("libc.so.6", n)
        self.assertEqual(interp[0], "/lib64/ld-linux-x86-64.so.2")
        order = [os.path.basename(l.guest) for l in libs]
        self.assertLess(order.index("libmid.so"), order.index("libbase.so.1"))

    def test_runpath_is_not_inherited(self):
        with self.assertRaises(elfdeps.MissingLibrary) as cm:
            elfdeps.dependencies(self.app_runpath_only)
        self.assertEqual(cm.exception.name, "libbase.so.1")
        self.assertIn("libmid2.so", cm.exception.needed_by)

    def test_rpath_is_inherited(self):
        _, libs, _ = elfdeps.dependencies(self.app_rpath)
        n = self.names(libs)
        self.assertEqual(n["libbase.so.1"].via, "rpath")

    def test_missing(self):
        with self.assertRaises(elfdeps.MissingLibrary) as cm:
            elfdeps.dependencies(self.app_missing)
        self.assertIn("library not found: libmid.so", str(cm.exception))

    def test_cycle(self):
        _, libs, _ = elfdeps.dependencies(self.cyc)
        names = [os.path.basename(l.guest) for l in libs]
        self.assertEqual(names.count("liba.so"), 1)
        self.assertEqual(names.count("libb.so"), 1)

    def test_skips_incompatible_candidates(self):
        """A non-ELF of the right name earlier in the path is passed over."""
        bad = os.path.join(self.tmp, "bad")
        write(f"{bad}/libbase.so.1", "not an ELF\n")
        r = elfdeps.Resolver(ld_library_path=[bad])
        order = r.resolve(self.app)
        n = self.names(order[1:])
        self.assertEqual(n["libbase.so.1"].host,
                         os.path.realpath(f"{self.tmp}/app/lib/libbase.so.1"))

    def test_under_a_root(self):
        """The same lookups inside an image root, /etc/ld.so.conf too."""
        root = os.path.join(self.tmp, "root")
        os.makedirs(f"{root}/opt/x/lib")
        os.makedirs(f"{root}/bin")
        shutil.copy(self.app_missing, f"{root}/bin/main")
        for n in ("libmid.so", "libbase.so.1"):
            shutil.copy(f"{self.tmp}/app/lib/{n}", f"{root}/opt/x/lib/{n}")
        os.makedirs(f"{root}/lib/x86_64-linux-gnu")
        os.symlink("/lib/x86_64-linux-gnu", f"{root}/lib64")
        for n in ("libc.so.6", "ld-linux-x86-64.so.2"):
            shutil.copy(f"/lib/x86_64-linux-gnu/{n}",
                        f"{root}/lib/x86_64-linux-gnu/{n}")
        write(f"{root}/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n")
        write(f"{root}/etc/ld.so.conf.d/x.conf", "# x\n/opt/x/lib\n")
        exe, libs, interp = elfdeps.dependencies("/bin/main", root=root)
        n = self.names(libs)
        self.assertEqual(n["libmid.so"].guest, "/opt/x/lib/libmid.so")
        self.assertEqual(n["libmid.so"].via, "conf")
        self.assertTrue(n["libc.so.6"].host.startswith(root))
        self.assertEqual(interp[1], f"{root}/lib/x86_64-linux-gnu/"
                         "ld-linux-x86-64.so.2")

    def test_tokens(self):
        self.assertEqual(elfdeps.expand_tokens("$ORIGIN/../${LIB}/$PLATFORM",
                                               "/o", "lib64"),
                         "/o/../lib64/x86_64")

    def test_not_elf(self):
        with self.assertRaises(elfdeps.ElfError):
            elfdeps.parse_elf(write(f"{self.tmp}/t.txt", "hello\n"))

    def test_through_the_tool(self):
        """`tessera build` packs each object where ld.so will look."""
        env = private_env(self.tmp)
        out = os.path.join(self.tmp, "o.cpio")
        r = run_tool("build", "-q", "-o", out, self.app, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = run_tool("inspect", out).stdout.decode()
        lib = os.path.join(self.tmp, "app", "lib")
        for path in (self.app, f"{lib}/libmid.so", f"{lib}/libbase.so.1",
                     "/lib64/ld-linux-x86-64.so.2",
                     "/lib/x86_64-linux-gnu/libc.so.6"):
            self.assertIn(" " + path + "\n", text)
        r = run_tool("build", "-o", out + "2", self.app_missing, env=env)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.decode(),
                         "tessera: library not found: libmid.so "
                         f"(needed by {self.app_missing})\n")
        self.assertFalse(os.path.exists(out + "2"))

    def test_host_ls(self):
        ls = shutil.which("ls")
        exe, libs, interp = elfdeps.dependencies(os.path.abspath(ls))
        self.assertIn("libc.so.6", self.names(libs))
        self.assertEqual(interp[0], "/lib64/ld-linux-x86-64.so.2")


if __name__ == "__main__":
    unittest.main()
