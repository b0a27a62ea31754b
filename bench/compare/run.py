#!/usr/bin/python3
"""make bench-compare: Tributary side by side with Kuzu, PostgreSQL and raw
librdkafka consumption, on the same generated data, on this machine, in one
run. Writes bench/results/<date>-<short-commit>.md with tables and PNG charts.

See bench/README.md ("Peers") for how to read the report and
docs/adr/013-bench-compare.md for how each peer is driven.

Every server this script starts listens on 127.0.0.1 only and is stopped
before it exits, whatever happens (finally blocks and signal handlers).
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from report import charts, machine, targets, versions, write_report
from workloads import WORKLOADS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PG_BIN = "/usr/lib/postgresql/15/bin"

live_processes = []  # Popen objects to end on exit
cleanups = []  # callables run once on exit (PostgreSQL stop)


def log(msg):
    print(f"[bench-compare {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def die(msg):
    raise SystemExit(f"bench-compare: {msg}")


def run(cmd, timeout=900, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if r.returncode != 0:
        die(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout


def die_with_parent():
    """preexec_fn: the child gets SIGTERM if this script dies (even by SIGKILL)."""
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(ppid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == ppid:
                out.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return out


class Sampler:
    """Samples a memory function every 0.2 s on a thread; keeps the peak."""

    def __init__(self, fn):
        self.fn, self.peak, self.stop_flag = fn, 0, threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop_flag.wait(0.2):
            self.peak = max(self.peak, self.fn())

    def stop(self):
        self.stop_flag.set()
        self.thread.join()
        self.peak = max(self.peak, self.fn())
        return self.peak


def median(values):
    return statistics.median(values) if values else None


def summarize(runs):
    """Median of the measured runs (throughput and latency percentiles)."""
    if not runs:
        return None
    return {
        "ops_per_s": median([r["ops_per_s"] for r in runs]),
        "p50_ms": median([r["p50_ms"] for r in runs]),
        "p90_ms": median([r.get("p90_ms", 0) for r in runs]),
        "p99_ms": median([r["p99_ms"] for r in runs]),
        "runs": [round(r["ops_per_s"], 2) for r in runs],
        "ops": sum(r["ops"] for r in runs),
        "retries": sum(r.get("retries", 0) for r in runs),
    }


# --------------------------------------------------------------------------
# Tributary


def bench_tributary(a, work, data, results):
    log("tributary: starting the server")
    data_dir = os.path.join(work, "tributary-data")
    log_path = os.path.join(work, "tributary.log")
    logf = open(log_path, "w")
    server = subprocess.Popen(
        [a.tributary, "serve", "--bolt-address", "127.0.0.1:0", "--data-dir", data_dir,
         "--wal-sync", "commit"],
        stdout=logf, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent)
    live_processes.append(server)
    port = None
    deadline = time.time() + 30
    while time.time() < deadline and port is None:
        with open(log_path) as f:
            m = re.search(r"serving Bolt on 127\.0\.0\.1:(\d+)", f.read())
        if m:
            port = int(m.group(1))
        elif server.poll() is not None:
            die(f"tributary exited: {open(log_path).read()[-2000:]}")
        else:
            time.sleep(0.05)
    if port is None:
        die("tributary did not report its port")
    lg = [a.loadgen]
    out = {"runs": {}, "memory": {}}
    results["tributary"] = out
    try:
        log(f"tributary: loading over Bolt (port {port})")
        for line in json_lines(run(lg + ["load", "--port", str(port), "--dir", data, "--batch",
                                        str(a.batch)], timeout=3600)):
            out.setdefault("load", []).append(
                {"path": f"UNWIND $rows (Bolt, batches of {a.batch}) ({line['phase']})",
                 "rows": line["rows"], "seconds": line["seconds"]})
        st = proc_status(server.pid)
        out["memory"]["after_load_kib"] = st.get("VmRSS", 0)
        checks = []
        for i in a.check_ids:
            one = run(lg + ["query", "--port", str(port),
                            f"MATCH (n:Node {{id: {i}}})-[:Edge]->(m) RETURN count(m)"]).strip()
            two = run(lg + ["query", "--port", str(port),
                            f"MATCH (n:Node {{id: {i}}})-[:Edge]->()-[:Edge]->(m) "
                            "RETURN count(DISTINCT m)"]).strip()
            name = run(lg + ["query", "--port", str(port),
                             f"MATCH (n:Node {{id: {i}}}) RETURN n.name"]).strip()
            checks.append({"id": i, "onehop": json.loads(one)[0], "twohop": json.loads(two)[0],
                           "name": json.loads(name)[0]})
        agg = run(lg + ["query", "--port", str(port), WORKLOADS["aggregation"][0]])
        out["checks"] = checks
        out["agg"] = [json.loads(line) for line in agg.splitlines() if line.strip()]
        run(lg + ["query", "--port", str(port), "CREATE INDEX ON :User(id)"])
        run(lg + ["query", "--port", str(port),
                  f"UNWIND range(0, {a.users - 1}) AS i CREATE (:User {{id: i}})"])
        for w in [w for w in WORKLOADS if w in a.only]:
            cypher, _, kind = WORKLOADS[w]
            rng = a.users if kind == "pair" else a.nodes
            for clients in ([1] if w == "aggregation" else [1, 8]):
                log(f"tributary: {w}, {clients} connection(s)")
                cmd = lg + ["run", "--port", str(port), "--query", cypher, "--param", kind,
                            "--range", str(rng), "--clients", str(clients), "--runs", str(a.runs),
                            "--seed", str(a.seed)]
                if w == "aggregation":
                    # Its warm-up is the cross-check aggregation above.
                    cmd += ["--iterations", "1", "--warmup-seconds", "0"]
                else:
                    cmd += ["--seconds", str(a.seconds), "--warmup-seconds", str(a.warmup_seconds)]
                out["runs"][f"{w}/{clients}"] = summarize(json_lines(run(cmd, timeout=1800)))
            if w == "aggregation":
                out["memory"]["after_reads_kib"] = proc_status(server.pid).get("VmRSS", 0)
        st = proc_status(server.pid)
        out["memory"]["peak_kib"] = st.get("VmHWM", 0)
        out["memory"]["after_writes_kib"] = st.get("VmRSS", 0)
    finally:
        log("tributary: stopping the server (SIGTERM, snapshot on shutdown)")
        stop_process(server, 300)
        logf.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def stop_process(proc, timeout):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in live_processes:
        live_processes.remove(proc)


# --------------------------------------------------------------------------
# PostgreSQL


def bench_postgres(a, work, data, results):
    pgdir = os.path.join(work, "pg")
    os.makedirs(pgdir)
    prefix = []
    if os.geteuid() == 0:
        # initdb and postgres refuse to run as root: run the server as the
        # `postgres` system user the Debian package creates.
        import pwd
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            die("running as root needs the `postgres` system user (Debian package postgresql)")
        os.chown(pgdir, pw.pw_uid, pw.pw_gid)
        os.chmod(work, 0o755)
        prefix = ["runuser", "-u", "postgres", "--"]
    pgdata = os.path.join(pgdir, "data")
    port = free_port()
    log(f"postgres: initdb and start on 127.0.0.1:{port}")
    run(prefix + [f"{PG_BIN}/initdb", "-D", pgdata, "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C"])
    # The postmaster is this script's child (not daemonized by pg_ctl), with
    # a parent-death signal, so it cannot outlive the script: SIGINT is
    # PostgreSQL's fast shutdown.
    setpriv = ["setpriv", "--pdeathsig", "INT"]
    if prefix:
        setpriv += ["--reuid", "postgres", "--regid", "postgres", "--init-groups"]
    server = subprocess.Popen(
        setpriv + [f"{PG_BIN}/postgres", "-D", pgdata, "-p", str(port),
                   "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={pgdir}",
                   "-c", f"shared_buffers={a.pg_shared_buffers}", "-c", "max_connections=50",
                   "-c", "max_wal_size=8GB", "-c", "checkpoint_timeout=30min"],
        stdout=open(os.path.join(pgdir, "log"), "w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    live_processes.append(server)

    def stop():
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(120)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if server in live_processes:
            live_processes.remove(server)

    cleanups.append(stop)
    deadline = time.time() + 60
    while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 0:
        if server.poll() is not None or time.time() > deadline:
            stop()
            die("postgres did not start: " + open(os.path.join(pgdir, "log")).read()[-2000:])
        time.sleep(0.1)
    out = {"runs": {}, "memory": {}}
    results["postgres"] = out
    conn = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]

    def psql(sql, timeout=1800):
        return run(["psql", *conn, "-d", "postgres", "-X", "-q", "-A", "-t", "-v",
                    "ON_ERROR_STOP=1", "-c", sql], timeout=timeout)

    postmaster = server.pid  # setpriv execs postgres: same process

    def memory():
        return sum(pss_kib(p) for p in [postmaster] + children(postmaster))

    try:
        out["version"] = psql("SHOW server_version").strip()
        psql("CREATE TABLE node (id bigint PRIMARY KEY, name text); "
             "CREATE TABLE edge (src bigint NOT NULL, dst bigint NOT NULL);")
        sampler = Sampler(memory)
        t = time.time()
        psql(f"\\copy node FROM '{data}/nodes.csv' CSV HEADER")
        out["load"] = [{"path": "COPY (nodes, primary key maintained)", "rows": a.nodes,
                        "seconds": time.time() - t}]
        t = time.time()
        psql(f"\\copy edge FROM '{data}/edges.csv' CSV HEADER")
        copy_secs = time.time() - t
        t = time.time()
        psql("CREATE INDEX edge_src ON edge (src)")
        index_secs = time.time() - t
        out["load"].append({"path": "COPY (edges) + CREATE INDEX on src", "rows": a.edges,
                            "seconds": copy_secs + index_secs, "copy_seconds": copy_secs,
                            "index_seconds": index_secs})
        # Untimed: statistics and the visibility map (index-only scans), as a
        # DBA would after a bulk load.
        psql("VACUUM ANALYZE")
        # Its data lives in files and the kernel's page cache, which no PSS shows.
        out["db_size_bytes"] = int(psql("SELECT pg_database_size('postgres')"))
        out["memory"]["after_load_kib"] = memory()
        checks = []
        for i in a.check_ids:
            one = int(psql(f"SELECT count(*) FROM edge WHERE src = {i}"))
            two = int(psql(WORKLOADS["twohop"][1].replace(":id", str(i)).rstrip(";")))
            name = psql(f"SELECT name FROM node WHERE id = {i}").strip()
            checks.append({"id": i, "onehop": one, "twohop": two, "name": name})
        out["checks"] = checks
        out["agg"] = [[int(x) for x in line.split("|")]
                      for line in psql(WORKLOADS["aggregation"][1]).splitlines() if line]
        psql("CREATE TABLE users (id bigint PRIMARY KEY); "
             "CREATE TABLE user_temp (id bigint); "
             "CREATE TABLE temp_edge (src bigint, dst bigint); "
             f"INSERT INTO users SELECT generate_series(0, {a.users - 1});")
        psql("VACUUM ANALYZE users")
        scripts = os.path.join(work, "pgbench")
        os.makedirs(scripts)
        for w in [w for w in WORKLOADS if w in a.only]:
            _, sql, kind = WORKLOADS[w]
            script = os.path.join(scripts, f"{w}.sql")
            with open(script, "w") as f:
                if kind == "id":
                    f.write(f"\\set id random(0, {a.nodes - 1})\n")
                elif kind == "pair":
                    f.write(f"\\set from random(0, {a.users - 1})\n\\set to random(0, {a.users - 1})\n")
                elif kind == "new":
                    # Unique enough: user_temp has no key (as :UserTemp has no index).
                    f.write("\\set id random(1000000000, 9000000000000)\n")
                f.write(sql + "\n")
            for clients in ([1] if w == "aggregation" else [1, 8]):
                log(f"postgres: {w}, {clients} pgbench client(s)")
                runs = []
                # Run 0 is the warm-up (200 transactions per client); the
                # aggregation's is the cross-check query above.
                for r in range(1 if w == "aggregation" else 0, a.runs + 1):
                    logdir = os.path.join(scripts, f"log-{w}-{clients}-{r}")
                    os.makedirs(logdir)
                    cmd = ["pgbench", *conn, "-n", "-M", "prepared", "-c", str(clients),
                           "-j", str(min(clients, 2)), "-f", script, "-l",
                           f"--log-prefix={logdir}/tx"]
                    if w == "aggregation":
                        cmd += ["-t", "1"]
                    elif a.pg_transactions:
                        cmd += ["-t", str(a.pg_transactions)]
                    elif r == 0:
                        cmd += ["-t", "200"]
                    else:
                        cmd += ["-T", str(max(1, round(a.seconds)))]
                    cmd.append("postgres")
                    text = run(cmd, timeout=1800)
                    if r == 0:
                        continue
                    lat = []
                    for name in os.listdir(logdir):
                        with open(os.path.join(logdir, name)) as f:
                            lat += [int(line.split()[2]) / 1000.0 for line in f if line.strip()]
                    lat.sort()
                    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
                    if not m:
                        die(f"no tps in pgbench output:\n{text}")
                    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
                    runs.append({"ops": len(lat), "ops_per_s": float(m.group(1)),
                                 "p50_ms": pick(0.5), "p90_ms": pick(0.9), "p99_ms": pick(0.99)})
                    shutil.rmtree(logdir)
                out["runs"][f"{w}/{clients}"] = summarize(runs)
            if w == "aggregation":
                out["memory"]["after_reads_kib"] = memory()
        out["memory"]["peak_kib"] = sampler.stop()
        out["memory"]["after_writes_kib"] = memory()
    finally:
        log("postgres: stopping")
        stop()
        if stop in cleanups:
            cleanups.remove(stop)


# --------------------------------------------------------------------------
# Kuzu


def bench_kuzu(a, work, data, results):
    stamp = os.path.join(HERE, "node_modules", ".package-lock.json")
    lock = os.path.join(HERE, "package-lock.json")
    if not os.path.exists(stamp) or os.path.getmtime(lock) > os.path.getmtime(stamp):
        log("kuzu: installing the pinned npm packages (npm ci)")
        run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, timeout=900)
    kwork = os.path.join(work, "kuzu")
    os.makedirs(kwork)
    opts = {"dir": data, "work": kwork, "nodes": a.nodes, "users": a.users,
            "unwindNodes": min(a.nodes, a.kuzu_unwind_nodes),
            "unwindEdges": a.kuzu_unwind_edges, "batch": a.batch, "seconds": a.seconds,
            "warmupSeconds": a.warmup_seconds, "runs": a.runs, "seed": a.seed,
            "checkIds": a.check_ids}
    lines = []
    for mode in ("unwind", "main"):
        log(f"kuzu: {'UNWIND load paths (scratch database)' if mode == 'unwind' else 'COPY load, cross-checks and workloads'} in a node process (in-process)")
        proc = subprocess.Popen(["node", os.path.join(HERE, "kuzu_driver.js"),
                                 json.dumps(dict(opts, mode=mode))],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, preexec_fn=die_with_parent)
        live_processes.append(proc)
        for line in proc.stdout:
            if line.startswith("{"):
                obj = json.loads(line)
                lines.append(obj)
                if obj["kind"] == "run" and obj["run"] == 0:
                    log(f"kuzu: {obj['workload']}, threads {obj['threads']}")
        err = proc.stderr.read()
        proc.wait()
        live_processes.remove(proc)
        if proc.returncode != 0:
            die(f"kuzu driver ({mode}) failed ({proc.returncode}):\n{err[-3000:]}")
    out = {"runs": {}, "memory": {}, "load": [], "checks": []}
    results["kuzu"] = out
    by = {}
    for obj in lines:
        k = obj["kind"]
        if k == "version":
            out["version"], out["node"] = obj["kuzu"], obj["node"]
        elif k == "load":
            out["load"].append({"path": obj["path"], "rows": obj["rows"], "seconds": obj["seconds"]})
        elif k == "memory":
            if obj["after"] == "load":
                out["memory"]["after_load_kib"] = obj["rss_kib"]
            if obj["after"] == "aggregation/1":
                out["memory"]["after_reads_kib"] = obj["rss_kib"]
            out["memory"]["peak_kib"] = max(out["memory"].get("peak_kib", 0), obj["hwm_kib"])
            out["memory"]["after_writes_kib"] = obj["rss_kib"]
        elif k == "check":
            if "agg" in obj:
                out["agg"] = obj["agg"]
            else:
                out["checks"].append({x: obj[x] for x in ("id", "onehop", "twohop", "name")})
        elif k == "run":
            by.setdefault((obj["workload"], obj["threads"]), []).append(obj)
    for (w, threads), runs in by.items():
        out["runs"][f"{w}/threads={threads}"] = summarize(runs)
    # The better of the two thread settings, as the issue asks.
    for w in [w for w in WORKLOADS if w in a.only]:
        cands = [(out["runs"].get(f"{w}/threads={t}"), t) for t in ("default", "1")]
        cands = [(s, t) for s, t in cands if s]
        if cands:
            best, t = max(cands, key=lambda c: c[0]["ops_per_s"])
            out["runs"][f"{w}/best"] = dict(best, threads=t)


# --------------------------------------------------------------------------
# Kafka ingest (bench/ingest's benchmark: L_k, L_kp and R)


def bench_ingest(a, work, results):
    rows = []
    for r in range(0 if a.ingest_warmup else 1, a.ingest_runs + 1):  # run 0 is the warm-up
        log(f"ingest: bench_ingest --messages {a.ingest_messages} ({'warm-up' if r == 0 else f'run {r}'})")
        text = run([a.ingest, "--messages", str(a.ingest_messages), "--partitions",
                    str(a.ingest_partitions)], cwd=work, timeout=900)
        if r == 0:
            continue

        def grab(pattern):
            m = re.search(pattern, text)
            if not m:
                die(f"bench_ingest output lacks {pattern}:\n{text}")
            return float(m.group(1))

        rows.append({"L_k": grab(r"L_k\s+\(consume only\):\s+([\d.]+)"),
                     "L_kp": grab(r"L_kp \(consume \+ transform\):\s+([\d.]+)"),
                     "R": grab(r"R\s+\(stream, end to end\):\s+([\d.]+)"),
                     "cpu_s_per_million": grab(r"CPU-seconds per million messages:\s+([\d.]+)"),
                     "batch_p50_ms": grab(r"batch queries\+commit latency:\s+p50 ([\d.]+)"),
                     "batch_p99_ms": grab(r"batch queries\+commit latency:.*p99 ([\d.]+)")})
    results["ingest"] = {"runs": rows,
                         "median": {k: median([x[k] for x in rows]) for k in rows[0]}}


# --------------------------------------------------------------------------
# Cross-checks: the same answers from every system, or the numbers mean nothing


def cross_check(results):
    systems = [s for s in ("tributary", "postgres", "kuzu") if s in results]
    problems = []
    for s in systems[1:]:
        for x, y in zip(results[systems[0]]["checks"], results[s]["checks"]):
            if x != y:
                problems.append(f"{systems[0]} {x} != {s} {y}")
        if results[systems[0]]["agg"] != results[s]["agg"]:
            problems.append(f"aggregation differs between {systems[0]} and {s}")
    return systems, problems

# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tributary", required=True, help="the tributary binary")
    ap.add_argument("--loadgen", required=True, help="bench_compare_bolt")
    ap.add_argument("--ingest", required=True, help="bench_ingest")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny data, one short run each, report into a temp folder (seconds)")
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--users", type=int, default=100_000, help=":User nodes for edge writes")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch", type=int, default=10_000, help="UNWIND rows per query")
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one measured run")
    ap.add_argument("--warmup-seconds", type=float, default=0.5,
                    help="warm-up before each Tributary/Kuzu workload (pgbench: 200 "
                         "transactions per client)")
    ap.add_argument("--runs", type=int, default=5, help="measured runs (the median is reported)")
    ap.add_argument("--pg-transactions", type=int, default=0,
                    help="pgbench -t per client instead of -T (smoke)")
    ap.add_argument("--pg-shared-buffers", default="2GB")
    ap.add_argument("--kuzu-unwind-nodes", type=int, default=50_000,
                    help="nodes Kuzu loads through UNWIND text (scratch database)")
    ap.add_argument("--kuzu-unwind-edges", type=int, default=500,
                    help="edges Kuzu loads through UNWIND ... MATCH ... CREATE (scratch database)")
    ap.add_argument("--ingest-messages", type=int, default=500_000,
                    help="messages per bench_ingest run (its own default is 1M; half keeps "
                         "the suite within 10 minutes)")
    ap.add_argument("--ingest-partitions", type=int, default=32)
    ap.add_argument("--ingest-runs", type=int, default=5)
    ap.add_argument("--no-ingest-warmup", dest="ingest_warmup", action="store_false",
                    help="skip bench_ingest's warm-up run")
    ap.add_argument("--skip", action="append", default=[],
                    choices=["tributary", "postgres", "kuzu", "ingest"], help="leave a system out")
    ap.add_argument("--only", default=",".join(WORKLOADS),
                    help="comma-separated workloads to run (default all: %(default)s); with "
                         "--skip and --out, a quick focused comparison (e.g. --only vertex_write "
                         "--skip kuzu --skip ingest --nodes 1000 --edges 1000)")
    ap.add_argument("--out", help="report folder (default bench/results; a temp folder with --smoke)")
    ap.add_argument("--commit", help="the commit the binaries were built from (default: this "
                    "checkout's HEAD, marked -dirty when it has uncommitted changes)")
    ap.add_argument("--report-from", metavar="JSON",
                    help="only rewrite the report and charts from a run's JSON (no benchmark)")
    a = ap.parse_args()
    if a.report_from:
        with open(a.report_from) as f:
            saved = json.load(f)
        saved_args = argparse.Namespace(**saved["args"])
        outdir, stem = os.path.split(os.path.abspath(a.report_from)[:-len(".json")])
        chart_files = charts(saved["results"], os.path.join(outdir, stem), stem)
        write_report(saved_args, saved["results"], saved["meta"], os.path.join(outdir, stem + ".md"),
                     chart_files)
        log(f"report rewritten: {os.path.join(outdir, stem + '.md')}")
        return
    # Absolute: the ingest benchmark runs with the work folder as its cwd.
    a.tributary, a.loadgen, a.ingest = map(os.path.abspath, (a.tributary, a.loadgen, a.ingest))
    if a.smoke:
        a.nodes, a.edges, a.users = 2_000, 10_000, 200
        a.seconds, a.warmup_seconds, a.runs = 0.2, 0.1, 1
        a.pg_transactions = 50
        a.kuzu_unwind_nodes, a.kuzu_unwind_edges = 1_000, 200
        a.ingest_messages, a.ingest_partitions, a.ingest_runs = 4_000, 4, 1
        a.ingest_warmup = False
    a.check_ids = [0, a.nodes // 3, a.nodes - 1]
    a.only = a.only.split(",")
    if unknown := [w for w in a.only if w not in WORKLOADS]:
        die(f"--only: unknown workload(s) {unknown}; known: {list(WORKLOADS)}")

    def on_signal(signum, frame):
        raise SystemExit(f"bench-compare: signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = time.time()
    meta = {"machine": machine(), "versions": versions(a)}
    if a.commit:
        commit, dirty = a.commit, ""
    else:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "unknown"
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
    meta["commit"] = commit + ("-dirty" if dirty else "")
    meta["date"] = datetime.date.today().isoformat()
    # `make bench-compare` runs exactly this script; the report shows the
    # command line it was given (binaries, sizes, flags).
    meta["command"] = "make bench-compare" + (" SMOKE=1" if a.smoke else "")
    meta["commands"] = ["/usr/bin/python3 bench/compare/run.py " + " ".join(sys.argv[1:])]
    work = tempfile.mkdtemp(prefix="bench-compare-")
    results = {}
    try:
        data = os.path.join(work, "data")
        log(f"generating {a.nodes:,} nodes and {a.edges:,} edges (seed {a.seed}) in {data}")
        run([a.loadgen, "gen", "--nodes", str(a.nodes), "--edges", str(a.edges), "--seed",
             str(a.seed), "--out", data])
        os.chmod(data, 0o755)
        if "tributary" not in a.skip:
            bench_tributary(a, work, data, results)
        if "postgres" not in a.skip:
            bench_postgres(a, work, data, results)
        if "kuzu" not in a.skip:
            bench_kuzu(a, work, data, results)
        if "ingest" not in a.skip:
            bench_ingest(a, work, results)
    finally:
        for proc in list(live_processes):
            stop_process(proc, 60)
        for fn in list(cleanups):
            fn()
        shutil.rmtree(work, ignore_errors=True)
    systems, problems = cross_check(results)
    meta["cross_check"] = (
        f"FAILED: {'; '.join(problems)}" if problems else
        f"{', '.join(systems)} return the same one-hop and two-hop counts and names for ids "
        f"{a.check_ids} and the same 100 aggregation buckets.")
    meta["load_end"] = os.getloadavg()
    meta["elapsed"] = time.time() - started
    outdir = a.out or (tempfile.mkdtemp(prefix="bench-compare-report-") if a.smoke
                       else os.path.join(ROOT, "bench", "results"))
    os.makedirs(outdir, exist_ok=True)
    stem = f"{meta['date']}-{commit}" + ("-smoke" if a.smoke else "")
    os.makedirs(os.path.join(outdir, stem), exist_ok=True)
    chart_files = charts(results, os.path.join(outdir, stem), stem)
    report = os.path.join(outdir, stem + ".md")
    with open(os.path.join(outdir, stem + ".json"), "w") as f:
        json.dump({"meta": meta, "args": vars(a), "results": results}, f, indent=1, default=str)
    write_report(a, results, meta, report, chart_files)
    log(f"report: {report} ({meta['elapsed']:.0f} s)")
    if not a.smoke and not a.out:
        # bench/README.md links the latest full report.
        readme = os.path.join(ROOT, "bench", "README.md")
        with open(readme) as f:
            text = f.read()
        text = re.sub(r"\*\*Latest report: \[[^\]]*\]\([^)]*\)\*\*",
                      f"**Latest report: [bench/results/{stem}.md](results/{stem}.md)**", text)
        with open(readme, "w") as f:
            f.write(text)
    for line in targets(results):
        log(line)
    if problems:
        die("cross-check failed: " + "; ".join(problems))
    if a.smoke:
        # The harness is the thing under test: every table filled, every chart written.
        with open(report) as f:
            text = f.read()
        missing = [s for s in ("tributary", "postgres", "kuzu", "ingest") if s not in results]
        empty = [n for n in ("load", "memory", "ingest", *WORKLOADS) if n not in chart_files]
        if missing or empty or "not measured" in text:
            die(f"smoke: missing systems {missing}, charts {empty} or measurements")
        if not a.out:
            shutil.rmtree(outdir, ignore_errors=True)
        print("bench-compare smoke: harness OK (every system ran, answers agree, report and charts written)")


if __name__ == "__main__":
    main()
