# Threads with a queue, sleeping, SIGALRM with a handler, a 100 MB bytearray.
import threading, queue, time, signal, sys
q = queue.Queue()
results = []
lock = threading.Lock()
def worker(n):
    while True:
        item = q.get()
        if item is None:
            break
        with lock:
            results.append(item * item)
        q.task_done()
threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in threads: t.start()
for i in range(1000): q.put(i)
q.join()
for t in threads: q.put(None)
for t in threads: t.join()
print("threads:", len(results), sum(results))
t0 = time.monotonic(); time.sleep(0.2); dt = time.monotonic() - t0
print("sleep ok" if 0.2 <= dt < 2 else "sleep bad %f" % dt)
fired = []
signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
signal.alarm(1)
time.sleep(3)
print("alarm:", fired)
b = bytearray(100 * 1024 * 1024)
b[-1] = 7
print("bytearray:", len(b), b[-1], sum(b[::4096]))
