# The network issue's script: Debian's python3 answering HTTP requests.
import http.server, socketserver, os
from http import HTTPStatus
from pathlib import Path
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        self.send_response(HTTPStatus.OK); self.end_headers()
        self.wfile.write(b'Hello world from tessera!\n')
        self.wfile.write("Current directory: {}\n".format(Path.cwd()).encode())
        self.wfile.write(str(os.listdir()).encode())
socketserver.TCPServer(('', 8000), Handler).serve_forever()
