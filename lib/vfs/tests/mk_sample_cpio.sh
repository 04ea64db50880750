#!/bin/sh
# Writes the reference archive for test_cpio with the host's GNU cpio:
#   mk_sample_cpio.sh OUT.cpio
# test_cpio.c knows every file below; change both together.
set -eu
out=$1
case $out in /*) ;; *) out=$PWD/$out ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
printf 'hello, world\n' >hello.txt
printf a >a
printf ab >ab
printf abc >abc
yes 0123456789 | head -c 1000 >big
mkdir -p dir/sub
: >dir/sub/empty
ln -s hello.txt link
chmod 0644 hello.txt a ab abc big dir/sub/empty
chmod 0755 . dir dir/sub
find . | LC_ALL=C sort | cpio -o -H newc --quiet >"$out"
