#!/usr/bin/env python3
"""Tests of the OCI unpacker (tools/tesseralib/oci.py) and the package
store (`tessera pkg`), on tarballs made here with tarfile.

    python3 tests/tools/test_tessera_oci.py [-v]
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tessera_testutil import (config_json, docker_tar, layer,  # noqa: E402
                              oci_tar, private_env, run_tool)
from tesseralib import oci  # noqa: E402


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="oci-test-")
        self.root = os.path.join(self.tmp, "root")
        os.mkdir(self.root)
        self.outside = os.path.join(self.tmp, "outside")
        os.mkdir(self.outside)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def unpack(self, layers, config=None, fmt="docker"):
        config = config or config_json(cmd=["/bin/x"])
        path = os.path.join(self.tmp, "img.tar")
        (docker_tar if fmt == "docker" else oci_tar)(path, layers, config)
        return oci.unpack(path, self.root)

    def p(self, *parts):
        return os.path.join(self.root, *parts)

    def read(self, *parts):
        with open(self.p(*parts), "rb") as f:
            return f.read()

    def assertRefused(self, layers, message):
        with self.assertRaises(oci.OciError) as cm:
            self.unpack(layers)
        self.assertIn(message, str(cm.exception))
        self.assertEqual(os.listdir(self.outside), [])
        return cm.exception


class LayerTest(Base):
    def test_both_formats_and_config(self):
        cfg = config_json(entrypoint=["/bin/sh", "-c"], cmd=["echo hi"],
                          env=["PATH=/bin", "A=1"], workdir="/srv",
                          ports=["80/tcp"])
        for fmt in ("docker", "oci"):
            shutil.rmtree(self.root)
            os.mkdir(self.root)
            c, stats = self.unpack([layer([("bin/", "dir", None),
                                           ("bin/x", "file", b"X", 0o755)])],
                                   cfg, fmt)
            self.assertEqual(c.argv(), ["/bin/sh", "-c", "echo hi"])
            self.assertEqual(c.env, ["PATH=/bin", "A=1"])
            self.assertEqual(c.workdir, "/srv")
            self.assertEqual(c.ports, ["80/tcp"])
            self.assertEqual(self.read("bin", "x"), b"X")
            self.assertTrue(os.access(self.p("bin", "x"), os.X_OK))
            self.assertEqual(stats.files, 2)

    def test_gzip_layers(self):
        self.unpack([layer([("a", "file", b"1")], gz=True)], fmt="oci")
        self.assertEqual(self.read("a"), b"1")

    def test_whiteouts(self):
        l1 = layer([("etc/", "dir", None), ("etc/keep", "file", b"k"),
                    ("etc/gone", "file", b"g"), ("var/", "dir", None),
                    ("var/cache/", "dir", None),
                    ("var/cache/old", "file", b"o")])
        l2 = layer([("etc/.wh.gone", "file", b""),
                    ("var/.wh.cache", "file", b""),
                    ("etc/new", "file", b"n")])
        self.unpack([l1, l2])
        self.assertEqual(sorted(os.listdir(self.p("etc"))), ["keep", "new"])
        self.assertEqual(os.listdir(self.p("var")), [])

    def test_opaque_directory(self):
        l1 = layer([("d/", "dir", None), ("d/a", "file", b"a"),
                    ("d/sub/", "dir", None), ("d/sub/b", "file", b"b")])
        # The opaque marker after a file of its own layer spares that file.
        l2 = layer([("d/", "dir", None), ("d/c", "file", b"c"),
                    ("d/.wh..wh..opq", "file", b"")])
        self.unpack([l1, l2])
        self.assertEqual(os.listdir(self.p("d")), ["c"])

    def test_links(self):
        l1 = layer([("bin/", "dir", None), ("bin/busybox", "file", b"BB"),
                    ("bin/sh", "hardlink", "bin/busybox"),
                    ("bin/ls", "symlink", "busybox"),
                    ("etc/", "dir", None),
                    ("etc/mtab", "symlink", "/proc/mounts")])
        self.unpack([l1])
        self.assertEqual(os.stat(self.p("bin/sh")).st_ino,
                         os.stat(self.p("bin/busybox")).st_ino)
        self.assertEqual(os.readlink(self.p("bin/ls")), "busybox")
        self.assertEqual(os.readlink(self.p("etc/mtab")), "/proc/mounts")

    def test_replacing_kinds(self):
        l1 = layer([("x/", "dir", None), ("x/f", "file", b"1"),
                    ("y", "file", b"y")])
        l2 = layer([("x", "file", b"now a file"), ("y/", "dir", None)])
        self.unpack([l1, l2])
        self.assertEqual(self.read("x"), b"now a file")
        self.assertTrue(os.path.isdir(self.p("y")))

    def test_unreadable_modes_stay_packable(self):
        self.unpack([layer([("d/", "dir", None, 0o000),
                            ("d/secret", "file", b"s", 0o000)])])
        self.assertEqual(self.read("d", "secret"), b"s")


class TraversalTest(Base):
    def test_dotdot_names(self):
        self.assertRefused([layer([("../../etc/passwd", "file", b"x")])],
                           "path traversal refused")
        self.assertRefused([layer([("a/../../x", "file", b"x")])],
                           "path traversal refused")

    def test_absolute_names(self):
        self.assertRefused([layer([(self.outside + "/x", "file", b"x")])],
                           "absolute member name refused")

    def test_symlink_is_never_followed_out(self):
        """An absolute (or ../) symlink is kept, and writing through it
        stays inside the root."""
        l1 = layer([("etc", "symlink", self.outside),
                    ("up", "symlink", "../../../../" + self.outside)])
        l2 = layer([("etc/passwd", "file", b"root"),
                    ("up/x", "file", b"x")])
        self.unpack([l1, l2])
        self.assertEqual(os.listdir(self.outside), [])
        self.assertEqual(os.readlink(self.p("etc")), self.outside)
        inside = self.p(self.outside.lstrip("/"), "passwd")
        with open(inside, "rb") as f:
            self.assertEqual(f.read(), b"root")

    def test_symlink_replaced_not_written_through(self):
        target = os.path.join(self.outside, "victim")
        l1 = layer([("f", "symlink", target)])
        l2 = layer([("f", "file", b"new")])
        self.unpack([l1, l2])
        self.assertFalse(os.path.exists(target))
        self.assertEqual(self.read("f"), b"new")

    def test_whiteout_through_symlink_stays_inside(self):
        keep = os.path.join(self.outside, "keep")
        with open(keep, "w") as f:
            f.write("k")
        l1 = layer([("d", "symlink", self.outside)])
        l2 = layer([("d/.wh.keep", "file", b""),
                    ("d/.wh..wh..opq", "file", b"")])
        self.unpack([l1, l2])
        self.assertTrue(os.path.exists(keep))
        os.unlink(keep)

    def test_hardlinks_outside(self):
        self.assertRefused([layer([("h", "hardlink", "../../etc/passwd")])],
                           "path traversal refused")
        self.assertRefused([layer([("h", "hardlink", "/etc/passwd")])],
                           "absolute member name refused")
        # Through a symlink to the host: resolved inside, so missing.
        e = self.assertRefused([layer([("s", "symlink", "/etc"),
                                       ("h", "hardlink", "s/passwd")])],
                               "hard link to a missing file")
        self.assertIsNotNone(e)


class CorruptTest(Base):
    def image(self, **kw):
        path = os.path.join(self.tmp, "img.tar")
        l = layer([("a", "file", b"1")])
        return oci_tar(path, [l], config_json(cmd=["/a"]), **kw)

    def expect(self, path, message):
        with self.assertRaises(oci.OciError) as cm:
            oci.unpack(path, self.root)
        self.assertIn(message, str(cm.exception))

    def test_missing_blob(self):
        path, digests = self.image()
        path, _ = self.image(drop_blob=digests[0])
        self.expect(path, "missing blob")

    def test_digest_mismatch(self):
        path, digests = self.image()
        path, _ = self.image(corrupt_blob=digests[0])
        self.expect(path, "does not match its digest")

    def test_bad_json(self):
        path = docker_tar(os.path.join(self.tmp, "d.tar"), [], b"{}",
                          manifest=b"[{not json")
        self.expect(path, "bad JSON in manifest.json")
        path = docker_tar(os.path.join(self.tmp, "d.tar"), [], b"{oops")
        self.expect(path, "bad JSON in config.json")

    def test_missing_docker_layer(self):
        path = docker_tar(os.path.join(self.tmp, "d.tar"), [], b"{}",
                          manifest=json.dumps([{"Config": "config.json",
                                                "Layers": ["nope.tar"]}])
                          .encode())
        self.expect(path, "missing blob")

    def test_manifest_names_traversal(self):
        path = docker_tar(os.path.join(self.tmp, "d.tar"), [], b"{}",
                          manifest=json.dumps([{"Config": "../c.json",
                                                "Layers": []}]).encode())
        with self.assertRaises(Exception) as cm:
            oci.unpack(path, self.root)
        self.assertIn("traversal", str(cm.exception))

    def test_not_a_tarball(self):
        path = os.path.join(self.tmp, "junk.tar")
        with open(path, "wb") as f:
            f.write(b"\x00junk" * 100)
        self.expect(path, "")

    def test_layer_not_tar(self):
        path = docker_tar(os.path.join(self.tmp, "d.tar"), [b"garbage" * 99],
                          config_json(cmd=["/a"]))
        self.expect(path, "l0/layer.tar")


class StoreTest(Base):
    """`tessera pkg` through the command line, in a private store."""

    def setUp(self):
        super().setUp()
        self.env = private_env(self.tmp)
        self.tar = docker_tar(
            os.path.join(self.tmp, "img.tar"),
            [layer([("bin/", "dir", None), ("bin/app", "file", b"A", 0o755)])],
            config_json(entrypoint=["/bin/app"], cmd=["--serve"],
                        env=["K=V"], ports=["8080/tcp"]),
            tag="example.com/team/app:2")

    def tool(self, *args, status=0):
        r = run_tool(*args, env=self.env)
        self.assertEqual(r.returncode, status, r.stderr)
        return r

    def test_import_list_show_rm(self):
        self.tool("pkg", "from-oci", "-q", self.tar)
        pkgs = json.loads(self.tool("pkg", "list", "--json").stdout)
        self.assertEqual([p["name"] for p in pkgs], ["app:2"])
        info = json.loads(self.tool("pkg", "show", "--json", "app:2").stdout)
        self.assertEqual(info["entrypoint"], ["/bin/app"])
        self.assertEqual(info["cmd"], ["--serve"])
        self.assertEqual(info["ports"], ["8080/tcp"])
        with open(os.path.join(info["root"], "bin", "app"), "rb") as f:
            self.assertEqual(f.read(), b"A")
        self.assertIn(b"app:2", self.tool("pkg", "list").stdout)
        r = self.tool("pkg", "from-oci", self.tar, status=2)
        self.assertIn(b"exists", r.stderr)
        self.tool("pkg", "from-oci", "-q", "--force", "--name", "other",
                  self.tar)
        self.tool("pkg", "rm", "app:2", "other")
        self.assertEqual(json.loads(self.tool("pkg", "list", "--json")
                                    .stdout), [])
        r = self.tool("pkg", "show", "nope", status=2)
        self.assertEqual(r.stderr, b"tessera: no such package: nope\n")

    def test_failed_import_leaves_nothing(self):
        bad = docker_tar(os.path.join(self.tmp, "bad.tar"),
                         [layer([("../x", "file", b"x")])], b"{}")
        r = self.tool("pkg", "from-oci", bad, status=2)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        self.assertIn(b"path traversal refused", r.stderr)
        home = os.path.join(self.env["TESSERA_HOME"], "pkgs")
        self.assertEqual(os.listdir(home), [])

    def test_bad_names(self):
        for name in ("../x", ".hidden", "a/b", ""):
            r = self.tool("pkg", "from-oci", "--name", name, self.tar,
                          status=2)
            self.assertIn(b"bad package name", r.stderr)


if __name__ == "__main__":
    unittest.main()
