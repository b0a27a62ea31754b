#!/usr/bin/env python3
"""Exactly once under crashes: 200,000 numbered messages over 8 partitions are
ingested by a stream while the server is killed with SIGKILL at random moments
(20 rounds) and restarted on the same data directory each time. At the end
every number must be in the graph exactly once, and the stream's stored
message count must equal the number of messages.

Usage: crash_test.py <tributary binary> <repository root> [rounds] [messages]
"""

import os
import random
import subprocess
import sys
import time

from e2e_support import Processes, Server

PARTITIONS = 8


def produce(broker, numbers):
    """Produces each number to partition number % PARTITIONS with kcat."""
    by_partition = {p: [] for p in range(PARTITIONS)}
    for n in numbers:
        by_partition[n % PARTITIONS].append(str(n))
    kcats = []
    for p, values in by_partition.items():
        if not values:
            continue
        k = subprocess.Popen(["kcat", "-P", "-b", broker, "-t", "crash", "-p", str(p)],
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        k.stdin.write("\n".join(values) + "\n")
        k.stdin.close()
        kcats.append(k)
    for k in kcats:
        if k.wait(timeout=120) != 0:
            raise RuntimeError("kcat failed: " + k.stderr.read())


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    total = int(sys.argv[4]) if len(sys.argv) > 4 else 200_000
    seed = int(os.environ.get("CRASH_SEED", time.time()))
    rng = random.Random(seed)
    print(f"seed {seed}: {total} messages, {PARTITIONS} partitions, {rounds} SIGKILL rounds")
    chunk = (total + rounds - 1) // rounds
    chunks = [range(i, min(i + chunk, total)) for i in range(0, total, chunk)]

    with Processes() as procs:
        broker = procs.dev_broker(binary, ["crash"], partitions=PARTITIONS)
        server = Server(procs, binary, os.path.join(procs.dir, "data"))
        server.start()
        out, err, status = server.console(
            f"CREATE STREAM crash AS LOAD DATA KAFKA '{broker}' WITH TOPIC 'crash' WITH TRANSFORM "
            f"'{root}/examples/transform.py' BATCH_SIZE 500 BATCH_INTERVAL 50;\n"
            "START STREAM crash;\n")
        if status != 0:
            print(err)
            return 1

        started = time.time()
        produced = 0
        mid_ingestion = 0
        for r in range(rounds):
            if r < len(chunks):
                produce(broker, chunks[r])
                produced += len(chunks[r])
            time.sleep(rng.uniform(0.0, 0.8))
            server.kill()
            server.start()
            count = int(server.value("MATCH (n:Node) RETURN count(n);"))
            # Fewer nodes than produced messages: the kill landed mid-ingestion.
            mid_ingestion += count < produced
            print(f"round {r + 1}: SIGKILL, restart; {count} of {produced} produced messages "
                  f"in the graph after recovery", flush=True)
        print(f"{mid_ingestion} of {rounds} kills landed while messages were waiting")
        for c in chunks[rounds:]:
            produce(broker, c)

        deadline = time.time() + 240
        count = 0
        while time.time() < deadline:
            count = int(server.value("MATCH (n:Node) RETURN count(n);"))
            if count >= total:
                break
            time.sleep(0.5)
        time.sleep(1)  # Anything extra (a duplicate) would show up now.
        count = int(server.value("MATCH (n:Node) RETURN count(n);"))
        distinct = int(server.value("MATCH (n:Node) RETURN count(DISTINCT n.id);"))
        low = int(server.value("MATCH (n:Node) RETURN min(toInteger(n.id));"))
        high = int(server.value("MATCH (n:Node) RETURN max(toInteger(n.id));"))
        shown, _, _ = server.console("SHOW STREAM crash;\n")
        header, row = shown.strip().splitlines()[:2]
        messages = dict(zip([h.strip('"') for h in header.split(",")],
                            [v.strip('"') for v in row.split(",")]))["messages"]
        print(f"after {time.time() - started:.1f} s: {count} nodes, {distinct} distinct ids in "
              f"[{low}, {high}], stream applied {messages} messages")
        ok = count == total and distinct == total and low == 0 and high == total - 1 and \
            int(messages) == total
        if not ok:
            print(procs.log("server.log")[-5000:])
            print(f"FAIL (seed {seed})")
            return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
