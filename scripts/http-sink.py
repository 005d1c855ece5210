#!/usr/bin/env python3
"""A generic upload endpoint for ODP's `http` target tests (a stand-in for a provincial
gateway that takes signed requests).

  PUT  /upload/<dataset>/<version>/<file…>   raw body
  POST /upload/<dataset>/<version>/<file…>   multipart/form-data, part `file`
  HEAD /upload/…                             200 + X-ODP-Content-SHA256 when stored, else 404
  GET  /upload/…                             the stored file

Every write must carry `Authorization: Bearer <token>` and the ODP signature headers:
  X-ODP-Timestamp      unix seconds, within 300 s of now
  X-ODP-Nonce          never seen before
  X-ODP-Content-SHA256 sha256 of the file, checked against what arrived
  X-ODP-Signature      hex HMAC-SHA256(secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n CONTENT-SHA256)
Stored files land in ROOT/files/<path> (temp name, then rename); each accepted write is a
line in ROOT/writes.log, each rejected one a line in ROOT/rejects.log.

Usage: http-sink.py --port P --root DIR --token-file F --secret-file F [--cert PEM --key PEM]
With --cert/--key it speaks HTTPS (for the TLS verification tests).
"""
import argparse
import hashlib
import hmac
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--root", required=True)
p.add_argument("--token-file", required=True)
p.add_argument("--secret-file", required=True)
p.add_argument("--cert")
p.add_argument("--key")
ARGS = p.parse_args()
TOKEN = open(ARGS.token_file).read().strip()
SECRET = open(ARGS.secret_file).read().strip().encode()
FILES = os.path.join(ARGS.root, "files")
NONCES = set()
LOCK = threading.Lock()


def note(name, line):
    with LOCK, open(os.path.join(ARGS.root, name), "a") as f:
        f.write(line + "\n")


def multipart_file(body, content_type):
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    for part in body.split(b"--" + boundary):
        head, sep, data = part.partition(b"\r\n\r\n")
        if sep and b'name="file"' in head:
            return data[:-2] if data.endswith(b"\r\n") else data
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def target(self):
        path = self.path.split("?", 1)[0]
        if not path.startswith("/upload/") or ".." in path.split("/"):
            return None
        return os.path.join(FILES, path[len("/upload/"):])

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        t = self.target()
        if t is None or not os.path.isfile(t):
            return self.reply(404, b"not found")
        data = open(t, "rb").read()
        self.reply(200, data, {"X-ODP-Content-SHA256": hashlib.sha256(data).hexdigest()})

    def do_PUT(self):
        self.write(multipart=False)

    def do_POST(self):
        self.write(multipart=True)

    def write(self, multipart):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        t = self.target()
        if t is None:
            return self.reply(404, b"unknown path")
        problem = self.check(body, multipart)
        if problem:
            note("rejects.log", f"{self.command} {self.path} {problem}")
            return self.reply(problem[0], problem[1].encode())
        data = multipart_file(body, self.headers.get("Content-Type", "")) if multipart else body
        os.makedirs(os.path.dirname(t), exist_ok=True)
        tmp = t + ".sink-tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, t)
        note("writes.log", f"{self.command} {self.path} {hashlib.sha256(data).hexdigest()}")
        self.reply(201, b'{"stored": true}', {"Content-Type": "application/json", "Location": self.path})

    def check(self, body, multipart):
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return (401, "bad token")
        ts = self.headers.get("X-ODP-Timestamp", "")
        nonce = self.headers.get("X-ODP-Nonce", "")
        claimed = self.headers.get("X-ODP-Content-SHA256", "")
        signature = self.headers.get("X-ODP-Signature", "")
        if not ts.isdigit() or abs(time.time() - int(ts)) > 300:
            return (401, "stale timestamp")
        data = multipart_file(body, self.headers.get("Content-Type", "")) if multipart else body
        if data is None or hashlib.sha256(data).hexdigest() != claimed:
            return (400, "content hash mismatch")
        message = "\n".join([self.command, self.path.split("?", 1)[0], ts, nonce, claimed]).encode()
        if not hmac.compare_digest(hmac.new(SECRET, message, hashlib.sha256).hexdigest(), signature):
            return (401, "bad signature")
        with LOCK:
            if not nonce or nonce in NONCES:
                return (401, "nonce reused")
            NONCES.add(nonce)
        return None


os.makedirs(FILES, exist_ok=True)
server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
if ARGS.cert:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ARGS.cert, ARGS.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
