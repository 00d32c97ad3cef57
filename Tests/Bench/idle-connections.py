#!/usr/bin/env python3
"""Opens N keep-alive connections to a server on loopback, sends one request on each, keeps
them all open and idle, and prints the server's RSS and thread count. Bounded: it closes
everything and exits after measuring.
    Tests/Bench/idle-connections.py PORT PID [N]"""
import resource, socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 100), hard))

def status(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return line.split()[1]

before = int(status("VmRSS")) / 1024
sockets = []
request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    sockets.append(s)
answered = 0
for s in sockets:
    s.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    if data.startswith(b"HTTP/1.1 200"):
        answered += 1
time.sleep(1)
after = int(status("VmRSS")) / 1024
print(f"connections={count} answered={answered} rss_before_mb={before:.1f} rss_with_idle_mb={after:.1f} "
      f"threads={status('Threads')}")
for s in sockets:
    s.close()
