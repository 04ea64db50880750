"""Progress lines for long steps, on stderr; silent when quiet.

On a terminal one line is rewritten in place (at most 10 times a second);
otherwise a line is printed at most every 5 seconds, and once at the end.
"""

import sys
import time


def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


class Progress:
    def __init__(self, label, quiet=False, stream=None):
        self.label = label
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.last = time.monotonic()
        self.shown = False

    def _line(self, files, nbytes):
        return f"tessera: {self.label}: {files} files, {human(nbytes)}"

    def tick(self, files, nbytes=0):
        if self.quiet:
            return
        now = time.monotonic()
        if now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        self.shown = True
        if self.tty:
            self.stream.write("\r" + self._line(files, nbytes) + "\033[K")
        else:
            self.stream.write(self._line(files, nbytes) + "\n")
        self.stream.flush()

    def done(self, files, nbytes=0):
        """Ends the step; the total is printed only if progress was."""
        if self.quiet or not self.shown:
            return
        prefix, suffix = ("\r", "\033[K") if self.tty else ("", "")
        self.stream.write(prefix + self._line(files, nbytes) + " (done)"
                          + suffix + "\n")
        self.stream.flush()


class Silent(Progress):
    def __init__(self):
        super().__init__("", quiet=True)
