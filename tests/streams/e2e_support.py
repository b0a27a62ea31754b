"""Processes for the end-to-end stream tests: a dev broker, a server, the console.

Every process is started on 127.0.0.1 and stopped by the `Processes` context
manager, whatever happens.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20.0, process=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Processes:
    """Starts processes and stops all of them on exit (SIGTERM, then SIGKILL)."""

    def __init__(self):
        self.procs = []
        self.dir = tempfile.mkdtemp(prefix="tributary-streams-e2e-")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        subprocess.run(["rm", "-rf", self.dir])
        return False

    def start(self, args, log_name, **kwargs):
        log = open(os.path.join(self.dir, log_name), "ab")
        p = subprocess.Popen(args, stdout=kwargs.pop("stdout", log), stderr=log,
                             stdin=subprocess.DEVNULL, **kwargs)
        self.procs.append(p)
        return p

    def log(self, log_name):
        with open(os.path.join(self.dir, log_name), errors="replace") as f:
            return f.read()

    def dev_broker(self, binary, topics, partitions=1):
        """Starts `tributary dev-broker`; returns its bootstrap address."""
        address_file = os.path.join(self.dir, "broker.address")
        self.start([binary, "dev-broker", "--topics", ",".join(topics), "--partitions",
                    str(partitions), "--address-file", address_file], "broker.log")
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(address_file):
                with open(address_file) as f:
                    return f.read().strip()
            time.sleep(0.05)
        raise RuntimeError("dev-broker did not start: " + self.log("broker.log"))


class Server:
    """A `tributary serve` process that can be killed and started again."""

    def __init__(self, processes, binary, data_dir, extra_args=()):
        self.processes = processes
        self.binary = binary
        self.data_dir = data_dir
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.proc = None

    def start(self):
        self.proc = self.processes.start(
            [self.binary, "serve", "--data-dir", self.data_dir, "--bolt-address",
             f"127.0.0.1:{self.port}"] + self.extra_args, "server.log")
        wait_for_port(self.port, timeout=60, process=self.proc)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def console(self, statements, output_format="csv", continue_on_error=False, timeout=60):
        """Runs statements through `tributary console`; returns (stdout, stderr, status)."""
        args = [self.binary, "console", "--port", str(self.port), "--output-format",
                output_format]
        if continue_on_error:
            args.append("--continue-on-error")
        run = subprocess.run(args, input=statements, capture_output=True, text=True,
                             timeout=timeout)
        return run.stdout, run.stderr, run.returncode

    def value(self, statement):
        """The single value the statement returns (CSV, unquoted)."""
        out, err, status = self.console(statement)
        if status != 0:
            raise RuntimeError(f"{statement} failed: {err}")
        lines = out.strip().splitlines()
        return lines[1].strip('"') if len(lines) > 1 else None
