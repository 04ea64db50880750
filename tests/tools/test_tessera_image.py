#!/usr/bin/env python3
"""Tests of `tessera build`, `inspect`, the run settings and the errors
of `tessera run` that need no kernel (a fake QEMU stands in for detach).

    python3 tests/tools/test_tessera_image.py [-v]
"""

import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tessera_testutil import (GCC, private_env, run_tool,  # noqa: E402
                              static_program)
from tesseralib import qemu  # noqa: E402

PROG = "int main(void) { return 0; }\n"


@unittest.skipUnless(GCC, "no host gcc")
class ImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tessera-image-")
        cls.prog = static_program(cls.tmp, PROG)
        cls.kernel = os.path.join(cls.tmp, "fake-kernel.elf")
        with open(cls.kernel, "wb") as f:
            f.write(b"\x7fELF fake")
        cls.data = os.path.join(cls.tmp, "data.txt")
        with open(cls.data, "w") as f:
            f.write("data\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="w-", dir=self.tmp)
        self.env = private_env(self.work)

    def tool(self, *args, status=0):
        r = run_tool(*args, env=self.env)
        self.assertEqual(r.returncode, status, r.stderr)
        return r

    def fails(self, *args, message):
        r = self.tool(*args, status=2)
        err = r.stderr.decode()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn(message, err)
        return err

    def inspect(self, path):
        return json.loads(self.tool("inspect", "--json", path).stdout)

    def test_round_trip(self):
        out = os.path.join(self.work, "img.cpio")
        self.tool("build", "-q", "-o", out, "-e", "A=1", "--cwd", "/srv",
                  "--file", self.data + ":/etc/data.txt", "--mem", "48M",
                  "--smp", "2", "--net", "user", "-p", "8080:80",
                  self.prog, "--", "-v", "x y")
        doc = self.inspect(out)
        self.assertEqual(doc["manifest"], {
            "program": "/bin/prog", "cwd": "/srv",
            "args": ["/bin/prog", "-v", "x y"], "env": ["A=1"]})
        self.assertEqual(doc["run"], {"version": 1, "mem": "48M", "smp": 2,
                                      "net": "user", "ports": ["8080:80"]})
        files = {f["path"]: f for f in doc["files"]}
        self.assertEqual(files["/etc/data.txt"]["size"], 5)
        self.assertEqual(files["/bin/prog"]["mode"], "0755")
        self.assertIn("/srv", files)
        text = self.tool("inspect", out).stdout.decode()
        self.assertIn("program: /bin/prog", text)
        self.assertIn("run: mem=48M, net=user, ports=['8080:80'], smp=2",
                      text)

    def test_format_dir(self):
        out = os.path.join(self.work, "imgdir")
        self.tool("build", "-q", "--format", "dir", "--kernel", self.kernel,
                  "-o", out, self.prog)
        self.assertEqual(sorted(os.listdir(out)),
                         ["initramfs.cpio", "kernel.elf"])
        doc = self.inspect(out)
        self.assertTrue(doc["kernel"].endswith("kernel.elf"))

    @unittest.skipUnless(shutil.which("mke2fs") or os.path.exists("/sbin/mke2fs"),
                         "needs e2fsprogs")
    def test_disk_formats(self):
        from tesseralib import disk
        for fmt in ("raw", "qcow2", "vmdk", "vhdx"):
            if fmt != "raw" and not shutil.which("qemu-img"):
                continue
            out = os.path.join(self.work, "disk." + fmt)
            self.tool("build", "-q", "--format", fmt, "-o", out, self.prog,
                      "--", "an-arg")
            self.assertEqual(disk.detect(out), fmt)
            r = self.tool("inspect", "--json", out)
            info = json.loads(r.stdout)
            self.assertEqual(info["format"], fmt)
            self.assertEqual(info["manifest"]["args"][1:], ["an-arg"])
        self.fails("build", "--format", "raw", "--disk-size", "1k", "-o",
                   os.path.join(self.work, "small.raw"), self.prog,
                   message="too small")
        self.fails("build", "--format", "raw", "--disk-size", "lots", "-o",
                   os.path.join(self.work, "bad.raw"), self.prog,
                   message="not a size")
        self.assertFalse(os.path.exists(os.path.join(self.work, "bad.raw")))

    def test_volume_errors(self):
        k = ["--kernel", self.kernel]
        self.fails("run", *k, "--volume", "/no/such.img:/data", self.prog,
                   message="no volume image /no/such.img")
        self.fails("run", *k, "--volume", "data.img", self.prog,
                   message="HOSTIMG:/GUEST")
        notfs = os.path.join(self.work, "zeros.img")
        with open(notfs, "wb") as f:
            f.truncate(1 << 20)
        self.fails("run", *k, "--volume", notfs + ":/data", self.prog,
                   message="holds no ext2/3/4 filesystem")

    def test_root_directory(self):
        """-C: the whole tree, the program found by PATH through a
        symlink, a "#!" script run by its interpreter."""
        root = os.path.join(self.work, "root")
        os.makedirs(f"{root}/usr/bin")
        os.symlink("usr/bin", f"{root}/bin")
        shutil.copy(self.prog, f"{root}/usr/bin/prog")
        os.symlink("prog", f"{root}/usr/bin/alias")
        with open(f"{root}/usr/bin/script", "w") as f:
            f.write("#!/bin/prog -x\necho\n")
        os.chmod(f"{root}/usr/bin/script", 0o755)
        out = os.path.join(self.work, "r.cpio")
        self.tool("build", "-q", "-C", root, "-o", out, "alias", "a")
        doc = self.inspect(out)
        self.assertEqual(doc["manifest"]["program"], "/usr/bin/prog")
        self.assertEqual(doc["manifest"]["args"], ["alias", "a"])
        kinds = {f["path"]: f["type"] for f in doc["files"]}
        self.assertEqual(kinds["/bin"], "symlink")
        self.tool("build", "-q", "-C", root, "-o", out, "/bin/script", "b")
        m = self.inspect(out)["manifest"]
        self.assertEqual(m["program"], "/usr/bin/prog")
        self.assertEqual(m["args"], ["/bin/prog", "-x", "/bin/script", "b"])
        self.fails("build", "-C", root, "-o", out, "nope",
                   message="program not found in the image: nope")

    def test_bad_input(self):
        out = os.path.join(self.work, "o.cpio")
        self.fails("build", "-o", out, "/no/such/prog",
                   message="no such program: /no/such/prog")
        self.fails("build", "-o", out, self.data, message="not an ELF")
        self.fails("build", "-o", out, "-e", "NOEQUALS", self.prog,
                   message="KEY=VALUE")
        self.fails("build", "-o", out, "--file", self.data + ":/a/../b",
                   self.prog, message="'..'")
        self.fails("build", "-o", out, "--oci", self.data,
                   message="not a readable tarball")
        self.assertFalse(os.path.exists(out))
        self.assertEqual(os.listdir(self.work), ["cache"] if os.path.isdir(
            os.path.join(self.work, "cache")) else [])

    def test_run_errors_before_qemu(self):
        k = ["--kernel", self.kernel]
        self.fails("run", *k, "--qemu", "no-such-qemu-xyz", self.prog,
                   message="no-such-qemu-xyz not found")
        self.fails("run", *k, "--net", "none", "-p", "8080:80", self.prog,
                   message="port forwards (-p) need --net user")
        self.fails("run", *k, "--net", "tap:nosuchtap0", self.prog,
                   message="no tap device nosuchtap0")
        self.fails("run", *k, "--net", "tap:x", "-p", "8080:80", self.prog,
                   message="are for --net user")
        self.fails("run", *k, "--net", "user", "-p", "x:80", self.prog,
                   message="HOST:GUEST")
        self.fails("run", "--kernel", "/no/kernel", self.prog,
                   message="no kernel at /no/kernel")
        self.fails("run", *k, "/no/such/prog", message="no such file")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            self.fails("run", *k, "--net", "user", "-p", f"{port}:80",
                       self.prog, message=f"host port {port} is already "
                       "in use")

    def test_cache_is_reused(self):
        k = ["--kernel", self.kernel, "--qemu", "no-such-qemu-xyz"]
        self.tool("run", *k, self.prog, status=2)
        cache = os.path.join(self.env["XDG_CACHE_HOME"], "tessera", "images")
        first = os.listdir(cache)
        self.assertEqual(len(first), 1)
        self.tool("run", *k, self.prog, status=2)
        self.assertEqual(os.listdir(cache), first)
        self.tool("run", *k, "-e", "B=2", self.prog, status=2)
        self.assertEqual(len(os.listdir(cache)), 2)

    def test_detach_ps_stop(self):
        """A fake QEMU that sleeps: --detach, ps --json, logs, stop."""
        fake = os.path.join(self.work, "fake-qemu")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\necho booted \"$@\"\nexec sleep 60\n")
        os.chmod(fake, 0o755)
        r = self.tool("run", "--detach", "-q", "--kernel", self.kernel,
                      "--qemu", fake, self.prog)
        vm = r.stdout.decode().strip()
        vms = json.loads(self.tool("ps", "--json").stdout)
        self.assertEqual([v["id"] for v in vms], [vm])
        self.assertEqual(vms[0]["status"], "running")
        self.assertIn(vm.encode(), self.tool("ps").stdout)
        for _ in range(100):
            log = self.tool("logs", vm).stdout
            if log:
                break
            time.sleep(0.05)
        self.assertIn(b"booted", log)
        self.tool("stop", vm)
        self.assertEqual(json.loads(self.tool("ps", "--json").stdout), [])
        self.fails("stop", vm, message=f"no such VM: {vm}")

    def test_help_everywhere(self):
        for cmd in ([], ["run"], ["build"], ["inspect"], ["ps"], ["stop"],
                    ["logs"], ["pkg"], ["pkg", "from-oci"], ["pkg", "list"],
                    ["pkg", "show"], ["pkg", "rm"]):
            r = self.tool(*cmd, "--help")
            self.assertIn(b"usage: tessera", r.stdout)


class QemuArgsTest(unittest.TestCase):
    def test_net_devices(self):
        self.assertEqual(qemu.net_args("user", "microvm", [(8080, 80)]),
                         ["-global", "virtio-mmio.force-legacy=false",
                          "-netdev",
                          "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80",
                          "-device", "virtio-net-device,netdev=n0"])
        self.assertEqual(qemu.net_args("user", "q35", [(1, 2), (3, 4)])[1:],
                         ["user,id=n0,hostfwd=tcp:127.0.0.1:1-:2"
                          ",hostfwd=tcp:127.0.0.1:3-:4",
                          "-device", "virtio-net-pci,netdev=n0"])
        self.assertEqual(qemu.net_args("none", "q35", []), [])

    def test_ports(self):
        self.assertEqual(qemu.parse_port("80"), (80, 80))
        self.assertEqual(qemu.parse_port("8080:80"), (8080, 80))
        for bad in ("0:80", "a:b", "1:2:3", "70000:1"):
            with self.assertRaises(qemu.QemuError):
                qemu.parse_port(bad)

    def test_status(self):
        self.assertEqual(qemu.final_status((42 << 1) | 1, None), 42)
        self.assertEqual(qemu.final_status((11 << 1) | 1, 139), 139)
        self.assertIsNone(qemu.final_status(0, None))


if __name__ == "__main__":
    unittest.main()
