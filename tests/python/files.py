# Files: 1,000 files written, renamed, listed and read back under /tmp;
# os.pipe with select; os.walk over the standard library's .py files.
import os, select, sys, tempfile, hashlib

base = tempfile.mkdtemp(dir="/tmp")
for i in range(1000):
    with open(os.path.join(base, "f%04d.txt" % i), "w") as f:
        f.write("line %d\n" % i * (i % 7 + 1))
for i in range(0, 1000, 2):
    os.rename(os.path.join(base, "f%04d.txt" % i), os.path.join(base, "g%04d.txt" % i))
names = sorted(os.listdir(base))
digest = hashlib.sha256()
for n in names:
    with open(os.path.join(base, n)) as f:
        digest.update(n.encode() + f.read().encode())
print("files:", len(names), names[0], names[-1], digest.hexdigest()[:16])
st = os.stat(os.path.join(base, "g0998.txt"))
print("stat:", st.st_size, oct(st.st_mode & 0o777))

r, w = os.pipe()
ready, _, _ = select.select([r], [], [], 0)
print("pipe empty ready:", ready == [])
os.write(w, b"ping")
ready, _, _ = select.select([r], [], [], 1)
print("pipe ready:", ready == [r], os.read(r, 10))
os.close(w)
print("eof:", os.read(r, 10))

lib = os.path.dirname(os.__file__)
count = size = 0
for root, dirs, files in os.walk(lib):
    dirs.sort()
    for name in files:
        if name.endswith(".py"):
            count += 1
            size += os.lstat(os.path.join(root, name)).st_size
print("walk:", count, size)
for n in names:
    os.unlink(os.path.join(base, n))
os.rmdir(base)
print("cleaned:", not os.path.exists(base))
