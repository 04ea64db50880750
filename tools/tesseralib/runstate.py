"""Detached VMs: `tessera run --detach`, `tessera ps`, `tessera stop`.

Each detached VM has a directory under the runtime dir ($TESSERA_RUN_DIR,
else $XDG_RUNTIME_DIR/tessera, else ~/.cache/tessera/run) holding
state.json (id, QEMU's pid, image, kernel, ports, the console log's path,
status) and console.log.  A small supervisor process (this tool's hidden
`_supervise` command, in its own session) is QEMU's parent: it waits for
QEMU and writes the program's exit status into state.json.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time

from . import qemu

STATE = "state.json"
CONSOLE = "console.log"


class StateError(Exception):
    """No such VM, or a state directory we cannot use: exit 2."""


def run_dir():
    d = os.environ.get("TESSERA_RUN_DIR")
    if not d:
        xdg = os.environ.get("XDG_RUNTIME_DIR")
        d = os.path.join(xdg, "tessera") if xdg else \
            os.path.join(os.path.expanduser("~"), ".cache", "tessera", "run")
    os.makedirs(d, 0o700, exist_ok=True)
    return d


def _path(vm_id, name=STATE):
    return os.path.join(run_dir(), vm_id, name)


def load(vm_id):
    if not vm_id or "/" in vm_id or vm_id.startswith("."):
        raise StateError(f"no such VM: {vm_id}")
    try:
        with open(_path(vm_id)) as f:
            return json.load(f)
    except (OSError, ValueError):
        raise StateError(f"no such VM: {vm_id}") from None


def save(state):
    p = _path(state["id"])
    tmp = p + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, p)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(cmd, image, kernel, ports, timeout, tool):
    """Starts the VM in the background; returns its state once QEMU runs."""
    vm_id = secrets.token_hex(4)
    os.makedirs(os.path.join(run_dir(), vm_id), 0o700)
    state = {"id": vm_id, "cmd": cmd, "image": image, "kernel": kernel,
             "ports": ports, "console": _path(vm_id, CONSOLE),
             "started": time.time(), "status": "starting", "pid": None,
             "timeout": timeout}
    save(state)
    sup = subprocess.Popen([sys.executable, tool, "_supervise", vm_id],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = load(vm_id)
        if state["status"] != "starting":
            return state
        if sup.poll() is not None:
            break
        time.sleep(0.05)
    raise StateError(f"the VM did not start (see {state['console']})")


def supervise(vm_id):
    """The detached VM's parent: runs QEMU, records how it ended."""
    state = load(vm_id)
    with open(state["console"], "wb") as log:
        proc = subprocess.Popen(state["cmd"], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    state.update(pid=proc.pid, status="running", supervisor=os.getpid())
    save(state)
    try:
        rc = proc.wait(timeout=state.get("timeout"))
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
        state = load(vm_id)
        state.update(status="timed out", exit_status=qemu.STATUS_TIMEOUT)
        save(state)
        return 0
    state = load(vm_id)
    if state["status"] == "stopping":
        state.update(status="stopped", exit_status=None)
    else:
        with open(state["console"], "rb") as f:
            printed = qemu.printed_status(f.read())
        status = qemu.final_status(rc, printed)
        state.update(status="exited", exit_status=status, qemu_exit=rc)
    save(state)
    return 0


def refresh(state):
    """Marks a running VM whose QEMU vanished (a reboot, a kill -9)."""
    if state["status"] in ("running", "stopping") and \
            not (state.get("pid") and alive(state["pid"])) and \
            not (state.get("supervisor") and alive(state["supervisor"])):
        state["status"] = "lost"
    return state


def listing():
    out = []
    for vm_id in sorted(os.listdir(run_dir())):
        try:
            out.append(refresh(load(vm_id)))
        except StateError:
            continue
    return out


def stop(vm_id, grace=5.0):
    """Stops a VM (SIGTERM, then SIGKILL) and forgets it; returns its last
    state."""
    state = refresh(load(vm_id))
    if state["status"] == "running":
        state["status"] = "stopping"
        save(state)
        _kill(state["pid"], grace)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and \
                alive(state.get("supervisor") or 0):
            time.sleep(0.05)
        state = load(vm_id)
    forget(vm_id)
    return state


def _kill(pid, grace):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def forget(vm_id):
    d = os.path.join(run_dir(), vm_id)
    for name in (STATE, CONSOLE, STATE + ".tmp"):
        try:
            os.unlink(os.path.join(d, name))
        except FileNotFoundError:
            pass
    os.rmdir(d)
