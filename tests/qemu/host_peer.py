#!/usr/bin/env python3
"""Runs a TCP and a UDP upper-casing echo server on the host's loopback,
then a command (with {tcp} and {udp} replaced by their ports), and
returns its exit status, showing its output.

    host_peer.py -- COMMAND...
"""
import socket
import socketserver
import subprocess
import sys
import threading


class Tcp(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(self.rfile.readline().upper())


class Udp(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data.upper(), self.client_address)


def main():
    cmd = sys.argv[1:]
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Tcp)
    udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
    for s in (tcp, udp):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    cmd = [a.replace("{tcp}", str(tcp.server_address[1]))
            .replace("{udp}", str(udp.server_address[1])) for a in cmd]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, timeout=280)
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())
