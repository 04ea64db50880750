#!/usr/bin/env python3
"""`tessera run` booting real Tessera VMs in QEMU.

    TESSERA_KERNEL=build/kernel/tessera.elf \\
        python3 tests/tools/test_tessera_run.py [-v]

Every test is skipped (with a message saying why) when $TESSERA_KERNEL is
unset.  The programs are static C programs built here with gcc -static:
the kernel boots static ELFs today.  Each boot has a timeout.
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tessera_testutil import (GCC, config_json, docker_tar,  # noqa: E402
                              layer, oci_tar, private_env, run_tool,
                              static_program)

KERNEL = os.environ.get("TESSERA_KERNEL")
BOOT_TIMEOUT = 60
PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv, char **envp) {
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	char cwd[256];
	printf("cwd %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	const char *s = getenv("STATUS");
	return s ? atoi(s) : 0;
}
"""


class CommandLineTest(unittest.TestCase):
    """How `tessera run` splits its own options from the program's."""

    def parse(self, *argv):
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
            os.path.dirname(os.path.abspath(__file__)))), "tools"))
        from tesseralib import cli
        return cli.parse_args(list(argv))

    def test_options_after_the_program(self):
        o = self.parse("run", "/usr/bin/python3", "-p", "8000:8000", "--mem",
                       "64M", "--", "server.py")
        self.assertEqual(o.port, ["8000:8000"])
        self.assertEqual(o.mem, "64M")
        self.assertEqual(o.command, ["/usr/bin/python3", "--", "server.py"])

    def test_program_arguments_stay(self):
        o = self.parse("run", "prog", "a", "-p", "x")
        self.assertEqual(o.command, ["prog", "a", "-p", "x"])
        self.assertIsNone(o.port)
        o = self.parse("run", "-p", "1:2", "prog", "--", "-p", "3")
        self.assertEqual(o.port, ["1:2"])
        self.assertEqual(o.command, ["prog", "--", "-p", "3"])


@unittest.skipUnless(KERNEL, "set TESSERA_KERNEL to a built kernel "
                     "(build/kernel/tessera.elf) to boot VMs")
@unittest.skipUnless(GCC, "no host gcc")
@unittest.skipUnless(shutil.which("qemu-system-x86_64"), "no QEMU")
class RunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tessera-run-")
        cls.prog = static_program(cls.tmp, PROGRAM, "show")
        cls.env = private_env(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_vm(self, *args):
        r = run_tool("run", "--kernel", KERNEL, "--no-stdin",
                     "--timeout", BOOT_TIMEOUT, *args, env=self.env,
                     timeout=BOOT_TIMEOUT + 30)
        out = r.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
        return r.returncode, out

    def test_static_program_with_env_and_file(self):
        data = os.path.join(self.tmp, "data.txt")
        with open(data, "w") as f:
            f.write("x\n")
        status, out = self.run_vm("-e", "STATUS=7", "-e", "GREETING=hi",
                                  "--file", data + ":/etc/data.txt",
                                  self.prog, "--", "-a", "b c")
        self.assertEqual(status, 7, out)
        self.assertIn("argv[0]=/bin/show\n", out)
        self.assertIn("argv[1]=-a\nargv[2]=b c\n", out)
        self.assertIn("env GREETING=hi\n", out)

    def test_built_image_keeps_its_settings(self):
        img = os.path.join(self.tmp, "img.cpio")
        r = run_tool("build", "-q", "-o", img, "--mem", "48M", "-e",
                     "STATUS=3", self.prog, env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        status, out = self.run_vm(img)
        self.assertEqual(status, 3, out)

    def oci_image(self, fmt):
        with open(self.prog, "rb") as f:
            elf = f.read()
        l1 = layer([("bin/", "dir", None), ("srv/", "dir", None),
                    ("bin/show", "file", elf, 0o755),
                    ("bin/old", "file", b"old")])
        l2 = layer([("bin/.wh.old", "file", b""),
                    ("bin/app", "symlink", "show")], gz=True)
        cfg = config_json(entrypoint=["app"], cmd=["from-cmd"],
                          env=["PATH=/bin", "STATUS=5"], workdir="/srv")
        path = os.path.join(self.tmp, f"img-{fmt}.tar")
        if fmt == "docker":
            return docker_tar(path, [l1, l2], cfg)
        return oci_tar(path, [l1, l2], cfg)[0]

    def test_oci_tarballs(self):
        for fmt in ("docker", "oci"):
            with self.subTest(fmt=fmt):
                status, out = self.run_vm("--oci", self.oci_image(fmt))
                self.assertEqual(status, 5, out)
                self.assertIn("argv[0]=app\nargv[1]=from-cmd\n", out)
                self.assertIn("env PATH=/bin\n", out)
        status, out = self.run_vm("--oci", self.oci_image("oci"), "--",
                                  "other")
        self.assertIn("argv[1]=other\n", out)
        self.assertNotIn("from-cmd", out)

    def test_stored_package(self):
        tar = self.oci_image("docker")
        r = run_tool("pkg", "from-oci", "-q", "--name", "show", "--force",
                     tar, env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        status, out = self.run_vm("--pkg", "show", "-e", "STATUS=9")
        self.assertEqual(status, 9, out)
        info = json.loads(run_tool("pkg", "show", "--json", "show",
                                   env=self.env).stdout)
        self.assertEqual(info["workdir"], "/srv")


if __name__ == "__main__":
    unittest.main()
