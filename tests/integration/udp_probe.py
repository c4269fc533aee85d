#!/usr/bin/env python3
"""UDP probes for the NAT lab (tests/nat_lab.sh): what a NAT maps and what it lets through.

  udp_probe.py serve PORT...                  STUN-like: answers every datagram, from the port it
                                              came to, with "seen IP:PORT" (its source as seen
                                              here); to "meet NAME PEER" also with " peer IP:PORT"
                                              (where PEER's "meet" came from) once PEER asked too
  udp_probe.py map LPORT HOST:PORT...         from local port LPORT asks each server; prints
                                              "HOST:PORT IP:PORT" (the mapping it saw) per server;
                                              fails when one does not answer
  udp_probe.py send LPORT HOST:PORT [COUNT [TEXT]]
                                              COUNT (5) unsolicited datagrams TEXT ("probe"), 0.1 s
                                              apart
  udp_probe.py listen LPORT SECONDS           prints "from IP:PORT TEXT" for each datagram that
                                              arrives, until one says "end" or SECONDS ran out
                                              (then fails)
  udp_probe.py punch LPORT HOST:PORT SECONDS  simultaneous open, run on both sides at once: sends
                                              to HOST:PORT every 0.1 s, and to any port of HOST it
                                              hears from (as a pong would tell); succeeds once it
                                              heard HOST say it heard us, and tells HOST so for
                                              0.5 s more; fails after SECONDS
  udp_probe.py meet LPORT HOST:PORT NAME PEER SECONDS
                                              coordinated punching: asks the server HOST:PORT for
                                              PEER's address (as "meet" tells it), then punches it
                                              from the same socket as above
"""
import select
import socket
import sys
import time


def endpoint(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def bound(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    return s


def serve(ports):
    socks = [bound(port) for port in ports]
    met = {}
    while True:
        for s in select.select(socks, [], [])[0]:
            data, sender = s.recvfrom(2048)
            answer = f"seen {sender[0]}:{sender[1]}"
            words = data.decode(errors="replace").split()
            if len(words) == 3 and words[0] == "meet":
                met[words[1]] = sender
                if words[2] in met:
                    answer += f" peer {met[words[2]][0]}:{met[words[2]][1]}"
            s.sendto(answer.encode(), sender)


def ask(s, server):
    for _ in range(6):
        s.sendto(b"map", server)
        deadline = time.monotonic() + 0.5
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([s], [], [], left)[0]:
                break
            data, sender = s.recvfrom(2048)
            if sender == server and data.startswith(b"seen "):
                return data[5:].decode()
    return None


def map_(lport, servers):
    s = bound(lport)
    for server in servers:
        seen = ask(s, server)
        if seen is None:
            print(f"{server[0]}:{server[1]} no answer")
            return 1
        print(f"{server[0]}:{server[1]} {seen}")
    return 0


def send(lport, target, count, text):
    s = bound(lport)
    for _ in range(count):
        s.sendto(text.encode(), target)
        time.sleep(0.1)
    return 0


def listen(lport, seconds):
    s = bound(lport)
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([s], [], [], left)[0]:
            data, sender = s.recvfrom(2048)
            text = data.decode(errors="replace")
            print(f"from {sender[0]}:{sender[1]} {text}", flush=True)
            if text == "end":
                return 0
    return 1


def meet(lport, server, name, peer, seconds):
    s = bound(lport)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s.sendto(f"meet {name} {peer}".encode(), server)
        if not select.select([s], [], [], 0.1)[0]:
            continue
        data, sender = s.recvfrom(2048)
        words = data.decode(errors="replace").split()
        if sender == server and len(words) == 4 and words[2] == "peer":
            print(f"{server[0]}:{server[1]} saw me as {words[1]}, {peer} as {words[3]}")
            return punch(s, endpoint(words[3]), seconds)
    print(f"{server[0]}:{server[1]} never told where {peer} is")
    return 1


def punch(s, target, seconds):
    targets = [target]
    heard = done = None
    start = time.monotonic()
    deadline = start + seconds
    next_send = start
    while (now := time.monotonic()) < deadline and (done is None or now < done + 0.5):
        if now >= next_send:
            for t in targets:
                s.sendto(b"punch 1" if heard else b"punch 0", t)
            next_send = now + 0.1
        if not select.select([s], [], [], max(0, next_send - now))[0]:
            continue
        data, sender = s.recvfrom(2048)
        if sender[0] != target[0] or not data.startswith(b"punch "):
            continue
        if sender not in targets:
            targets.append(sender)
        if heard is None:
            heard = sender
        if data == b"punch 1" and done is None:
            done = time.monotonic()
    if done is None:
        print(f"no way through to {target[0]}:{target[1]} in {seconds} s"
              + (f" (heard {heard[0]}:{heard[1]}, not heard back)" if heard else ""))
        return 1
    print(f"through to {heard[0]}:{heard[1]} after {done - start:.2f} s")
    return 0


def main(argv):
    try:
        command, args = argv[1], argv[2:]
        if command == "serve" and args:
            return serve([int(p) for p in args])
        if command == "map" and len(args) >= 2:
            return map_(int(args[0]), [endpoint(a) for a in args[1:]])
        if command == "send" and 2 <= len(args) <= 4:
            count = int(args[2]) if len(args) >= 3 else 5
            return send(int(args[0]), endpoint(args[1]), count, args[3] if len(args) == 4 else "probe")
        if command == "listen" and len(args) == 2:
            return listen(int(args[0]), float(args[1]))
        if command == "punch" and len(args) == 3:
            return punch(bound(int(args[0])), endpoint(args[1]), float(args[2]))
        if command == "meet" and len(args) == 5:
            return meet(int(args[0]), endpoint(args[1]), args[2], args[3], float(args[4]))
    except (IndexError, ValueError) as e:
        print(f"udp_probe.py: {e}", file=sys.stderr)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
