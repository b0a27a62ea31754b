#!/usr/bin/env python3
"""Every stream error message of the issue, as `tributary console` prints it
("Client received exception: <message>"), against a real server process.

Usage: console_errors_test.py <tributary binary> <repository root>
"""

import os
import sys

from e2e_support import Processes, Server


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    transform = os.path.join(root, "examples", "transform.py")
    with Processes() as procs:
        broker = procs.dev_broker(binary, ["test"])
        syntax = os.path.join(procs.dir, "syntax.py")
        with open(syntax, "w") as f:
            f.write("def stream(batch)\n    return []\n")
        server = Server(procs, binary, os.path.join(procs.dir, "data"), ["--kafka-timeout", "1500"])
        server.start()

        def create(name, kafka, topic, script):
            return (f"CREATE STREAM {name} AS LOAD DATA KAFKA '{kafka}' WITH TOPIC '{topic}' "
                    f"WITH TRANSFORM '{script}';\n")

        cases = [
            (create("s", broker, "test", "http://127.0.0.1:1/transform.py"),
             "Couldn't get the transform script from http://127.0.0.1:1/transform.py"),
            (create("s", broker, "test", syntax),
             f"Kafka stream s, transform script {syntax}: SyntaxError: expected ':' (line 1)"),
            (create("s", "127.0.0.1:1", "test", transform),
             "Kafka stream s, broker not available at 127.0.0.1:1"),
            (create("s", broker, "missing", transform), "Kafka stream s, topic not found"),
            (create("s", broker, "test", transform), None),
            (create("s", broker, "test", transform), "Kafka stream s already exists."),
            ("STOP STREAM s;\n", "Kafka stream s is already stopped"),
            ("START STREAM s;\n", None),
            ("START STREAM s;\n", "Kafka stream s is already running"),
            ("TEST STREAM s;\n", "Kafka stream s is already running"),
            ("DROP STREAM nope;\n", "Kafka stream nope doesn't exist."),
            ("START STREAM nope;\n", "Kafka stream nope doesn't exist."),
            ("STOP STREAM s;\n", None),
            ("DROP STREAM s;\n", None),
            ("SHOW STREAM s;\n", "Kafka stream s doesn't exist."),
        ]
        failures = 0
        for statement, expected in cases:
            out, err, status = server.console(statement, output_format="tabular",
                                              continue_on_error=True)
            got = [l for l in err.splitlines() if l.startswith("Client received exception: ")]
            want = [] if expected is None else ["Client received exception: " + expected]
            if got != want:
                failures += 1
                print(f"FAIL: {statement.strip()}\n  expected {want}\n  got      {got}")
            else:
                print(f"ok: {statement.strip()} -> {expected or 'success'}")
        if failures:
            print(procs.log("server.log")[-4000:])
            return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
