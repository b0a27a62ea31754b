"""The report of make bench-compare: a Markdown file with a table per
workload, every ratio Tributary / peer, the issue #7 targets, and PNG bar
charts (matplotlib, Agg backend). Used by run.py; `run.py --report-from
JSON` rewrites a report from a run's saved numbers."""

import os
import platform
import subprocess

from workloads import TITLES, WORKLOADS

PG_BIN = "/usr/lib/postgresql/15/bin"


def fmt(x, digits=0):
    if x is None:
        return "—"
    if digits == 0:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def ratio(a, b):
    if not a or not b:
        return "—"
    return f"{a / b:.2f}"


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": mem_kib / 1024 / 1024,
            "kernel": platform.release(), "load_start": os.getloadavg()}


def versions(a):
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unknown"

    def dpkg(pkg):
        return first_line(["dpkg-query", "-W", "-f=${Version}", pkg])

    return {
        "postgres": first_line([f"{PG_BIN}/postgres", "--version"]) + f" (Debian package postgresql-15 {dpkg('postgresql-15')})",
        "pgbench": first_line(["pgbench", "--version"]),
        "librdkafka": f"{dpkg('librdkafka-dev')} (Debian librdkafka-dev; the mock broker of the same library)",
        "python": first_line(["/usr/bin/python3", "--version"]) + f" (libpython3.11 {dpkg('libpython3.11-dev')})",
        "node": first_line(["node", "--version"]),
        "gcc": first_line(["c++", "--version"]),
    }


def charts(results, outdir, stem):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"Tributary": "#1f77b4", "PostgreSQL": "#7f7f7f", "Kuzu": "#ff7f0e",
              "librdkafka": "#2ca02c"}
    files = {}

    def bar(name, title, ylabel, bars, log_scale=False):
        fig, ax = plt.subplots(figsize=(max(7.0, 1.05 * len(bars)), 3.8), dpi=110)
        labels = [b[0] for b in bars]
        values = [b[1] or 0 for b in bars]
        cols = [colors.get(b[2], "#999999") for b in bars]
        rects = ax.bar(range(len(bars)), values, color=cols)
        ax.set_xticks(range(len(bars)))
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel, fontsize=9)
        if log_scale:
            ax.set_yscale("log")
        for rect, v in zip(rects, values):
            ax.annotate(f"{v:,.0f}" if v >= 10 else f"{v:,.2f}",
                        (rect.get_x() + rect.get_width() / 2, rect.get_height()),
                        ha="center", va="bottom", fontsize=7)
        fig.tight_layout()
        path = os.path.join(outdir, f"{name}.png")
        fig.savefig(path)
        plt.close(fig)
        files[name] = os.path.join(stem, f"{name}.png")

    t, p, k = (results.get(s, {}).get("runs", {}) for s in ("tributary", "postgres", "kuzu"))
    get = lambda d, key: (d.get(key) or {}).get("ops_per_s")
    for w in WORKLOADS:
        bars = []
        if w == "aggregation":
            sec = lambda d, key: 1.0 / d[key]["ops_per_s"] if d.get(key) else None
            bars = [("Tributary\nBolt", sec(t, "aggregation/1"), "Tributary"),
                    ("PostgreSQL\npgbench", sec(p, "aggregation/1"), "PostgreSQL"),
                    ("Kuzu\nin-process", sec(k, "aggregation/best"), "Kuzu")]
            bar(w, TITLES[w] + " (seconds per query, lower is better)", "seconds", bars)
            continue
        for c in (1, 8):
            bars.append((f"Tributary\n{c} conn", get(t, f"{w}/{c}"), "Tributary"))
            bars.append((f"PostgreSQL\n{c} client{'s' if c > 1 else ''}", get(p, f"{w}/{c}"), "PostgreSQL"))
        bars.append(("Kuzu\nin-process\n1 caller", get(k, f"{w}/best"), "Kuzu"))
        bar(w, TITLES[w] + " (operations/s, higher is better)", "operations/s", bars)
    load = []
    for sys_name, label in (("tributary", "Tributary"), ("postgres", "PostgreSQL"), ("kuzu", "Kuzu")):
        for row in results.get(sys_name, {}).get("load", []):
            short = "nodes" if "nodes" in row["path"] else "edges"
            kind = ("UNWIND" if "UNWIND" in row["path"] else "COPY")
            load.append((f"{label}\n{kind}\n{short}", row["rows"] / row["seconds"], label))
    bar("load", "Load (rows/s, log scale; COPY = bulk-load ceiling)", "rows/s", load, log_scale=True)
    mem = []
    for sys_name, label in (("tributary", "Tributary"), ("postgres", "PostgreSQL"), ("kuzu", "Kuzu")):
        m = results.get(sys_name, {}).get("memory", {})
        if m:
            mem.append((f"{label}\nafter load", m.get("after_load_kib", 0) / 1024, label))
            mem.append((f"{label}\npeak", m.get("peak_kib", 0) / 1024, label))
    bar("memory", "Server / process memory (MiB, lower is better)", "MiB", mem)
    ing = results.get("ingest", {}).get("median")
    if ing:
        bar("ingest", "Kafka ingest (messages/s)", "messages/s",
            [("librdkafka\nconsume (L_k)", ing["L_k"], "librdkafka"),
             ("librdkafka +\nPython (L_kp)", ing["L_kp"], "librdkafka"),
             ("Tributary\nstream (R)", ing["R"], "Tributary")])
    return files


def write_report(a, results, meta, path, chart_files):
    t, p, k = (results.get(s, {}) for s in ("tributary", "postgres", "kuzu"))
    tr, pr, kr = (x.get("runs", {}) for x in (t, p, k))
    L = []
    w_ = L.append
    m = meta["machine"]
    w_(f"# bench-compare {meta['date']} at {meta['commit']}")
    w_("")
    w_("Produced by bench/compare/run.py, which `" + meta["command"] + "` runs (its command line "
       "is under Commands below; how to read this report: "
       "[bench/README.md](../README.md#peers-make-bench-compare), design: "
       "[ADR 013](../../docs/adr/013-bench-compare.md)).")
    if a.smoke:
        w_("")
        w_("**SMOKE RUN: tiny data, one short run each. These numbers mean nothing.**")
    w_("")
    w_("## Machine and versions")
    w_("")
    w_(f"- `nproc` = {m['nproc']}, {m['cpu']}, {m['mem_gib']:.1f} GiB memory, Linux {m['kernel']}")
    w_(f"- load average (1/5/15 min) at start: {' / '.join(f'{x:.2f}' for x in m['load_start'])}; "
       f"at end: {' / '.join(f'{x:.2f}' for x in meta['load_end'])} "
       "(the machine is shared; every process of this run competes with others for 2 cores)")
    w_(f"- Tributary: commit {meta['commit']}, `tributary serve --wal-sync commit` (durable), "
       "RelWithDebInfo (-O2), Bolt over 127.0.0.1 from `bench_compare_bolt` (C++, src/bolt client)")
    v = meta["versions"]
    w_(f"- Kuzu: {k.get('version', '—')} (npm `kuzu`, pinned in bench/compare/package-lock.json), "
       f"in-process under node {k.get('node', v['node'])}, on-disk database in a temp folder")
    w_(f"- PostgreSQL: {v['postgres']}; {v['pgbench']}; private cluster on 127.0.0.1, "
       f"shared_buffers={a.pg_shared_buffers}, fsync and synchronous_commit on (defaults)")
    w_(f"- librdkafka {v['librdkafka']}; {v['python']}")
    w_(f"- compiler: {v['gcc']}")
    w_("")
    w_(f"Data: {a.nodes:,} `:Node` nodes (`id` integer, `name` string), {a.edges:,} `:Edge` edges "
       f"between uniformly random distinct nodes (seed {a.seed}); {a.users:,} `:User` nodes for the "
       f"write workloads. Runs: a warm-up ({a.warmup_seconds} s; pgbench: 200 transactions per "
       f"client; the aggregation: the cross-check query), then the median of {a.runs} runs of "
       f"{a.seconds} s (the aggregation: of single queries). Throughput is operations per second of wall time; "
       "latencies are per query as the client sees it.")
    w_("")
    w_("Cross-check: " + meta["cross_check"])
    w_("")
    # Every ratio in one table
    w_("## Ratios at a glance (Tributary / peer; throughput: > 1 means Tributary is faster)")
    w_("")
    w_("| workload | / PostgreSQL, 1 client | / PostgreSQL, 8 clients | / Kuzu in-process (Tributary 1 conn) |")
    w_("| --- | ---: | ---: | ---: |")
    g = lambda d, key: (d.get(key) or {}).get("ops_per_s")
    for wl in WORKLOADS:
        if wl == "aggregation":
            w_(f"| {TITLES[wl]} (queries/s) | {ratio(g(tr, 'aggregation/1'), g(pr, 'aggregation/1'))} | "
               f"— | {ratio(g(tr, 'aggregation/1'), g(kr, 'aggregation/best'))} |")
        else:
            w_(f"| {TITLES[wl]} | {ratio(g(tr, wl + '/1'), g(pr, wl + '/1'))} | "
               f"{ratio(g(tr, wl + '/8'), g(pr, wl + '/8'))} | {ratio(g(tr, wl + '/1'), g(kr, wl + '/best'))} |")
    rate = lambda rows, word: next((r["rows"] / r["seconds"] for r in rows if word in r["path"]), None)
    tl, pl, kl = t.get("load", []), p.get("load", []), k.get("load", [])
    w_(f"| Load nodes (Tributary UNWIND over Bolt vs COPY; vs Kuzu UNWIND) | "
       f"{ratio(rate(tl, 'nodes'), rate(pl, 'nodes'))} | — | "
       f"{ratio(rate(tl, 'nodes'), rate(kl, 'UNWIND ... CREATE (nodes)'))} |")
    w_(f"| Load edges (Tributary UNWIND over Bolt vs COPY + index; vs Kuzu COPY) | "
       f"{ratio(rate(tl, 'edges'), rate(pl, 'edges'))} | — | "
       f"{ratio(rate(tl, 'edges'), rate(kl, 'COPY FROM CSV (edges)'))} |")
    pm, km = p.get("memory", {}), k.get("memory", {})
    w_(f"| Memory after load (< 1: Tributary smaller; PostgreSQL's excludes the page cache holding its data) | "
       f"{ratio(t.get('memory', {}).get('after_load_kib'), pm.get('after_load_kib'))} | — | "
       f"{ratio(t.get('memory', {}).get('after_load_kib'), km.get('after_load_kib'))} |")
    w_("")
    ingm = (results.get("ingest") or {}).get("median")
    if ingm:
        w_(f"Kafka ingest: R / L_k (raw librdkafka consumption) = {ratio(ingm['R'], ingm['L_k'])}; "
           f"R / L_kp (consumption + the Python transform) = {ratio(ingm['R'], ingm['L_kp'])}.")
        w_("")
    # Load
    w_("## 1. Load")
    w_("")
    w_("| system | path | rows | seconds | rows/s | Tributary / this |")
    w_("| --- | --- | ---: | ---: | ---: | ---: |")
    trib_rate = {("nodes" if "nodes" in r["path"] else "edges"): r["rows"] / r["seconds"]
                 for r in t.get("load", [])}
    for sys_name, label, rows in (("tributary", "Tributary", t.get("load", [])),
                                  ("postgres", "PostgreSQL", p.get("load", [])),
                                  ("kuzu", "Kuzu (in-process)", k.get("load", []))):
        for r in rows:
            rate = r["rows"] / r["seconds"]
            kind = "nodes" if "nodes" in r["path"] else "edges"
            rt = "—" if sys_name == "tributary" else ratio(trib_rate.get(kind), rate)
            w_(f"| {label} | {r['path']} | {r['rows']:,} | {r['seconds']:.2f} | {fmt(rate)} | {rt} |")
    w_("")
    w_("COPY rows are the bulk-load ceiling, not the same path as Cypher text over Bolt. "
       "Kuzu's UNWIND rows load a prefix of the nodes and a sample of edges into a scratch "
       "database (its UNWIND ... MATCH ... CREATE path is too slow for the full edge set); "
       "PostgreSQL's edge row includes building the index on `src` "
       + (f"({p['load'][1]['copy_seconds']:.1f} s COPY + {p['load'][1]['index_seconds']:.1f} s index)."
          if p.get("load") and len(p["load"]) > 1 else "."))
    w_("")
    if "load" in chart_files:
        w_(f"![load]({chart_files['load']})")
        w_("")
    # Read and write workloads
    num = {"point": 2, "onehop": 3, "twohop": 3, "aggregation": 4, "vertex_write": 5, "edge_write": 5}
    for w in WORKLOADS:
        cypher, sql, _ = WORKLOADS[w]
        w_(f"## {num[w]}. {TITLES[w]}")
        w_("")
        w_(f"Cypher: `{cypher}`  ")
        w_(f"SQL (pgbench `-M prepared`): `{sql}`")
        w_("")
        if w == "aggregation":
            w_("| system | seconds per query (median) | runs (queries/s) | Tributary / this (speed) |")
            w_("| --- | ---: | --- | ---: |")
            ts = (tr.get("aggregation/1") or {}).get("ops_per_s")
            for label, s in (("Tributary, Bolt, 1 connection", tr.get("aggregation/1")),
                             ("PostgreSQL, 1 pgbench client", pr.get("aggregation/1")),
                             ("Kuzu, in-process, threads=" + str((kr.get("aggregation/best") or {}).get("threads")),
                              kr.get("aggregation/best"))):
                if not s:
                    continue
                rt = "—" if label.startswith("Tributary") else ratio(ts, s["ops_per_s"])
                w_(f"| {label} | {1 / s['ops_per_s']:.3f} | {s['runs']} | {rt} |")
        else:
            w_("| system | clients | ops/s (median) | p50 ms | p90 ms | p99 ms | Tributary / this |")
            w_("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for c in (1, 8):
                ts = (tr.get(f"{w}/{c}") or {}).get("ops_per_s")
                for label, s in (("Tributary (Bolt)", tr.get(f"{w}/{c}")),
                                 ("PostgreSQL (pgbench)", pr.get(f"{w}/{c}"))):
                    if not s:
                        continue
                    rt = "—" if label.startswith("Tributary") else ratio(ts, s["ops_per_s"])
                    w_(f"| {label} | {c} | {fmt(s['ops_per_s'])} | {s['p50_ms']:.3f} | "
                       f"{s['p90_ms']:.3f} | {s['p99_ms']:.3f} | {rt} |")
            for th in ("default", "1"):
                s = kr.get(f"{w}/threads={th}")
                if s:
                    best = (kr.get(f"{w}/best") or {}).get("threads") == th
                    t1 = (tr.get(f"{w}/1") or {}).get("ops_per_s")
                    w_(f"| Kuzu in-process, threads={th}{' (better)' if best else ''} | 1 caller | "
                       f"{fmt(s['ops_per_s'])} | ({s['p50_ms']:.3f}) | ({s['p90_ms']:.3f}) | "
                       f"({s['p99_ms']:.3f}) | {ratio(t1, s['ops_per_s']) + ' (1 conn)' if best else ''} |")
            w_("")
            w_("Kuzu's latencies are in parentheses: in-process calls, no network or protocol; its "
               "ratio compares it with Tributary's single connection.")
            retried = {c: (tr.get(f"{w}/{c}") or {}).get("retries", 0) for c in (1, 8)}
            if any(retried.values()):
                w_("")
                w_(f"Tributary answered some of these with a transient write-conflict error (two "
                   f"transactions changing the same vertex); the load generator retried them at "
                   f"once, as drivers do, inside the measured latency: {retried[1]:,} retries with "
                   f"1 connection, {retried[8]:,} with 8, over all measured runs.")
        w_("")
        if w in chart_files:
            w_(f"![{w}]({chart_files[w]})")
            w_("")
        if w == "edge_write":
            w_("Context, not a side-by-side result: Memgraph publishes 63–78k vertex writes/s and "
               "58–70k edge writes/s for these two queries with 12 workers on 8–12-core machines; "
               f"this machine has {m['nproc']} cores shared with other work.")
            w_("")
    # Ingest
    ing = results.get("ingest")
    w_("## 6. Kafka ingest")
    w_("")
    if ing:
        md = ing["median"]
        w_(f"`bench_ingest --messages {a.ingest_messages} --partitions {a.ingest_partitions}` "
           f"(bench/ingest, see bench/README.md) {len(ing['runs'])} times after a warm-up: the "
           "dev broker (librdkafka's mock) in a child process, the guide's messages (half nodes, "
           "half edges), `examples/transform.py`, WAL synced on commit.")
        w_("")
        w_("| rate | median messages/s | runs | Tributary R / this |")
        w_("| --- | ---: | --- | ---: |")
        w_(f"| L_k: raw librdkafka consumption | {fmt(md['L_k'])} | "
           f"{[round(x['L_k']) for x in ing['runs']]} | {ratio(md['R'], md['L_k'])} |")
        w_(f"| L_kp: consumption + the Python transform, results discarded | {fmt(md['L_kp'])} | "
           f"{[round(x['L_kp']) for x in ing['runs']]} | {ratio(md['R'], md['L_kp'])} |")
        w_(f"| R: Tributary stream, end to end (durable) | {fmt(md['R'])} | "
           f"{[round(x['R']) for x in ing['runs']]} | — |")
        w_("")
        w_(f"CPU-seconds per million messages (R): {md['cpu_s_per_million']:.2f}; batch "
           f"queries+commit latency p50 {md['batch_p50_ms']:.1f} ms, p99 {md['batch_p99_ms']:.1f} ms.")
        w_("")
        if "ingest" in chart_files:
            w_(f"![ingest]({chart_files['ingest']})")
            w_("")
    else:
        w_("Not run (--skip ingest).")
        w_("")
    # Memory
    w_("## Memory")
    w_("")
    w_("| system | what is measured | after load MiB | after reads MiB | peak MiB | Tributary / this (after load) |")
    w_("| --- | --- | ---: | ---: | ---: | ---: |")
    tm = t.get("memory", {})
    for label, what, mm in (
            ("Tributary", "server process RSS (VmRSS; peak = VmHWM)", tm),
            ("PostgreSQL", "postmaster + backends, sum of PSS (shared buffers counted once)", p.get("memory", {})),
            ("Kuzu", "the node process RSS (Kuzu in-process + node runtime ~50 MiB)", k.get("memory", {}))):
        if not mm:
            continue
        rt = "—" if label == "Tributary" else ratio(tm.get("after_load_kib"), mm.get("after_load_kib"))
        w_(f"| {label} | {what} | {fmt(mm.get('after_load_kib', 0) / 1024)} | "
           f"{fmt(mm.get('after_reads_kib', 0) / 1024)} | {fmt(mm.get('peak_kib', 0) / 1024)} | {rt} |")
    w_("")
    size = p.get("db_size_bytes")
    w_("PostgreSQL keeps its tables and indexes in files read through the kernel's page cache "
       "(and COPY bypasses shared_buffers), which no process's RSS or PSS includes"
       + (f"; its database is {size / 1048576:,.0f} MiB on disk" if size else "")
       + ". Its row is therefore not its working set, and the ratio to it says little; "
       "the Kuzu row (an in-process database with its buffer pool) is the comparable one.")
    w_("")
    if "memory" in chart_files:
        w_(f"![memory]({chart_files['memory']})")
        w_("")
    # Targets
    w_("## Targets (issue #7)")
    w_("")
    for line in targets(results):
        w_(f"- {line}")
    w_("")
    w_("## Commands")
    w_("")
    w_("```")
    for c in meta["commands"]:
        w_(c)
    w_("```")
    w_("")
    w_(f"Total wall time of this run: {meta['elapsed']:.0f} s. Raw numbers: "
       f"[{os.path.basename(path)[:-3]}.json]({os.path.basename(path)[:-3]}.json).")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


def targets(results):
    tr = results.get("tributary", {}).get("runs", {})
    pr = results.get("postgres", {}).get("runs", {})
    kr = results.get("kuzu", {}).get("runs", {})
    g = lambda d, key: (d.get(key) or {}).get("ops_per_s")
    out = []

    def check(desc, mine, theirs):
        if mine is None or theirs is None:
            out.append(f"{desc}: not measured")
            return
        verdict = "met" if mine >= theirs else "NOT met"
        out.append(f"{desc}: {verdict} ({mine:,.1f} vs {theirs:,.1f}, ratio {mine / theirs:.2f})")

    for w in ("point", "onehop", "twohop"):
        check(f"{w}, 8 clients, Tributary ≥ PostgreSQL", g(tr, f"{w}/8"), g(pr, f"{w}/8"))
        check(f"{w}, 1 client, Tributary ≥ PostgreSQL", g(tr, f"{w}/1"), g(pr, f"{w}/1"))
        check(f"{w}, 1 client, Tributary ≥ Kuzu (better thread setting)", g(tr, f"{w}/1"), g(kr, f"{w}/best"))
    check("aggregation, Tributary ≥ PostgreSQL (queries/s)", g(tr, "aggregation/1"), g(pr, "aggregation/1"))
    check("aggregation, Tributary ≥ Kuzu (queries/s)", g(tr, "aggregation/1"), g(kr, "aggregation/best"))
    for w in ("vertex_write", "edge_write"):
        check(f"{w}, 8 clients, Tributary ≥ PostgreSQL durable inserts", g(tr, f"{w}/8"), g(pr, f"{w}/8"))
        check(f"{w}, Tributary (8 clients) ≥ Kuzu prepared statements", g(tr, f"{w}/8"), g(kr, f"{w}/best"))
    tm = results.get("tributary", {}).get("memory", {}).get("after_load_kib")
    km = results.get("kuzu", {}).get("memory", {}).get("after_load_kib")
    if tm and km:
        verdict = "met" if tm <= 1.5 * km else "NOT met"
        out.append(f"server RSS after load ≤ Kuzu's process RSS + 50%: {verdict} "
                   f"({tm / 1024:,.0f} MiB vs {km / 1024:,.0f} MiB × 1.5 = {1.5 * km / 1024:,.0f} MiB)")
    return out
