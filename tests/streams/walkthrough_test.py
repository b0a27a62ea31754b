#!/usr/bin/env python3
"""`make run` without a terminal: the Kafka integration guide's walkthrough,
end to end through `tributary console`, compared with the expected transcript.

The tables are the guide's (the issue's) text. The walkthrough uses the guide's
ports when it can (Kafka localhost:9092, the script on http://localhost/ when
running as root); when a port is taken it picks another one and prints it, and
the expected tables are re-rendered with that URI. The renderer is first checked
against the guide's literal tables, so the comparison stays exact.

Usage: walkthrough_test.py <tributary binary> <repository root>
"""

import os
import pty
import re
import select
import socket
import subprocess
import sys
import time

GUIDE_SHOW_STREAMS = """\
+----------+----------------+-------+-------------------------------+---------+
| name     | uri            | topic | transform                     | status  |
+----------+----------------+-------+-------------------------------+---------+
| mystream | localhost:9092 | test  | http://localhost/transform.py | stopped |
+----------+----------------+-------+-------------------------------+---------+
"""

GUIDE_TEST_STREAM = """\
+------------------------------------------------------------------------------+-------------------------+
| query                                                                        | params                  |
+------------------------------------------------------------------------------+-------------------------+
| CREATE (:Node {id: $id})                                                     | {id:"1"}                |
| MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m) | {from_id:"1",to_id:"2"} |
+------------------------------------------------------------------------------+-------------------------+
"""

GUIDE_MATCH = """\
+------------------+------+------+
| n                | e    | m    |
+------------------+------+------+
| (:Node {id:"1"}) | Null | Null |
+------------------+------+------+
"""


def table(columns, rows):
    """Renders a table as the console prints it (widths from the data)."""
    widths = [max(len(str(v)) for v in column) for column in zip(columns, *rows)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+\n"

    def line(values):
        return "|" + "|".join(f" {str(v):<{w}} " for v, w in zip(values, widths)) + "|\n"

    return rule + line(columns) + rule + "".join(line(r) for r in rows) + rule


def show_streams(kafka_uri, transform_uri, status):
    return table(["name", "uri", "topic", "transform", "status"],
                 [["mystream", kafka_uri, "test", transform_uri, status]])


def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def interactive_ctrl_c(binary, root):
    """On a terminal: banner, console prompt; Ctrl-C stops everything started."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(f"{root}/scripts/run-walkthrough", [f"{root}/scripts/run-walkthrough", binary])
    out = b""
    deadline = time.time() + 60
    while b"tributary> " not in out and time.time() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    text = out.decode(errors="replace")
    ports = [int(p) for p in re.findall(r"(?:localhost|127\.0\.0\.1):(\d+)", text)]
    work = re.search(r"data in (\S+)/data", text)
    checks = [
        ("banner names the statement to paste",
         "CREATE STREAM mystream AS LOAD DATA KAFKA 'localhost:" in text),
        ("banner names the kcat command", "| kcat -P -b localhost:" in text),
        ("console prompt", "tributary> " in text),
    ]
    os.write(fd, b"\x03")  # Ctrl-C, as typed on the terminal
    status = None
    deadline = time.time() + 20
    while status is None and time.time() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
    if status is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    time.sleep(0.5)
    checks += [
        ("exits on Ctrl-C", status is not None and os.WIFEXITED(status)),
        ("every port it opened is closed", bool(ports) and not any(listening(p) for p in ports)),
        ("its temporary directory is removed", work is not None and not os.path.exists(work.group(1))),
    ]
    failed = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print(("ok: " if ok else "FAIL: ") + name)
    if failed:
        print(text)
    return not failed


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    # The renderer reproduces the guide's table exactly.
    assert show_streams("localhost:9092", "http://localhost/transform.py",
                        "stopped") == GUIDE_SHOW_STREAMS, "renderer differs from the guide"

    run = subprocess.run([f"{root}/scripts/run-walkthrough", binary], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        print(run.stdout, run.stderr, sep="\n--- stderr ---\n")
        print(f"FAIL: run-walkthrough exited with {run.returncode}")
        return 1
    out = run.stdout
    create = re.search(r"^tributary> CREATE STREAM mystream AS LOAD DATA KAFKA '([^']+)' WITH "
                       r"TOPIC 'test' WITH TRANSFORM '([^']+)';$", out, re.M)
    if not create:
        print(out)
        print("FAIL: no CREATE STREAM line")
        return 1
    kafka, transform = create.group(1), create.group(2)
    if (kafka, transform) != ("localhost:9092", "http://localhost/transform.py"):
        print(f"note: ports were taken; the walkthrough used {kafka} and {transform}")

    expected = (
        f"tributary> CREATE STREAM mystream AS LOAD DATA KAFKA '{kafka}' WITH TOPIC 'test' "
        f"WITH TRANSFORM '{transform}';\n"
        "tributary> SHOW STREAMS;\n" + show_streams(kafka, transform, "stopped") +
        f"$ printf '1\\n1 2\\n' | kcat -P -b {kafka} -t test\n"
        "tributary> TEST STREAM mystream;\n" + GUIDE_TEST_STREAM +
        "tributary> START STREAM mystream;\n"
        "tributary> SHOW STREAMS;\n" + show_streams(kafka, transform, "running") +
        "tributary> MATCH (n) OPTIONAL MATCH (n)-[e]->(m) RETURN n, e, m;\n" + GUIDE_MATCH +
        "tributary> STOP STREAM mystream;\n"
        "tributary> SHOW STREAMS;\n" + show_streams(kafka, transform, "stopped"))
    if out != expected:
        import difflib
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), out.splitlines(True),
                                                   "expected", "actual"))
        print("--- stderr ---\n" + run.stderr)
        print("FAIL: the transcript differs")
        return 1
    print(out)
    if not interactive_ctrl_c(binary, root):
        print("FAIL: interactive mode")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
