#!/usr/bin/env python3
"""Makes deliberately broken images for the kernel's error paths.

    mkbad.py KIND GOOD_ELF OUT.cpio

KIND: truncated-elf  the program is the first 200 bytes of GOOD_ELF
      not-elf        the program is a shell script
      missing        the manifest names a program the image lacks
      no-manifest    an image with a program but no manifest
      bad-manifest   a manifest with an unknown directive
"""
import importlib.machinery
import importlib.util
import os
import sys

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")


def load_mkinitramfs():
    path = os.path.join(TOOLS, "mkinitramfs")
    loader = importlib.machinery.SourceFileLoader("mkinitramfs", path)
    spec = importlib.util.spec_from_loader("mkinitramfs", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    kind, good, out = sys.argv[1:]
    mk = load_mkinitramfs()
    tree = mk.Tree()
    elf = open(good, "rb").read()
    manifest = mk.manifest_text("/bin/prog", ["/bin/prog"])
    if kind == "truncated-elf":
        tree.add_bytes("/bin/prog", elf[:200], perm=0o755)
    elif kind == "not-elf":
        tree.add_bytes("/bin/prog", b"#!/bin/sh\necho hi\n", perm=0o755)
    elif kind == "missing":
        tree.add_bytes("/bin/other", elf, perm=0o755)
    elif kind == "no-manifest":
        tree.add_bytes("/bin/prog", elf, perm=0o755)
        manifest = None
    elif kind == "bad-manifest":
        tree.add_bytes("/bin/prog", elf, perm=0o755)
        manifest = manifest + b"frobnicate yes\n"
    else:
        sys.exit(f"mkbad: unknown kind {kind}")
    if manifest is not None:
        tree.add_bytes(mk.MANIFEST_PATH, manifest)
    mk.write_archive(tree, out, 0)


if __name__ == "__main__":
    main()
