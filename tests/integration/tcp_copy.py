#!/usr/bin/env python3
"""Byte-exact TCP transfer for the namespace tests: the sender prints the SHA-256 of what it sent,
the receiver of what arrived, so a test compares the two lines.

  tcp_copy.py serve ADDRESS PORT          accept one connection, read to the end
  tcp_copy.py send ADDRESS PORT BYTES     send BYTES pseudo-random bytes (fixed seed), odd-sized writes
"""
import hashlib
import random
import socket
import sys


def serve(address, port):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, port))
        listener.listen(1)
        connection, _ = listener.accept()
        digest, total = hashlib.sha256(), 0
        with connection:
            while chunk := connection.recv(1 << 20):
                digest.update(chunk)
                total += len(chunk)
    print(f"{total} {digest.hexdigest()}")


def send(address, port, size):
    source = random.Random(20261206)
    digest, total = hashlib.sha256(), 0
    with socket.create_connection((address, port), timeout=20) as connection:
        while total < size:
            # Writes of varied, odd sizes, so segments end at every kind of boundary.
            chunk = source.randbytes(min(size - total, source.randint(1, 200_000)))
            connection.sendall(chunk)
            digest.update(chunk)
            total += len(chunk)
    print(f"{total} {digest.hexdigest()}")


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
