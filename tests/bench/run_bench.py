#!/usr/bin/env python3
"""`make bench`: runs the performance benchmarks against zoomws-mock, prints one table and
writes it, with the machine, date, commit, load and method, to tests/bench/results.md.

    python3 tests/bench/run_bench.py --build build [--runs 5] [--quick] [--only LIST]

Sections (--only, comma-separated): throughput, latency, idle, multi, reconnect, profile.
Every figure is the median of several runs; every comparison is a ratio taken inside one
round, in which each client runs once against a fresh simulator. Nothing here is asserted:
the targets are reported as met or missed, and the exit status is 0 unless the bench itself
could not run. Standard library only (the system python3).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
CLK_TCK = os.sysconf("SC_CLK_TCK")
SYS_PYTHON = "/usr/bin/python3"  # Debian's python3-websockets lives there
CREDS = {
    "ZOOM_ACCOUNT_ID": "mock-account",
    "ZOOM_CLIENT_ID": "mock-client",
    "ZOOM_CLIENT_SECRET": "mock-secret",
    "ZOOM_SUBSCRIPTION_ID": "mock-subscription",
}

# ------------------------------------------------------------------ helpers


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def pct(sorted_xs, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_xs:
        return None
    k = max(0, min(len(sorted_xs) - 1, int(-(-p * len(sorted_xs) // 100)) - 1))
    return sorted_xs[k]


def proc_cpu_s(pid):
    """utime + stime of a process (all its threads), seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return None


def proc_ctxt(pid):
    """Context switches (voluntary, involuntary) summed over the live threads of a process."""
    vol = invol = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        vol += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        invol += int(line.split()[1])
    except OSError:
        pass
    return vol, invol


def proc_status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def smaps_pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def smaps_by_file(pid):
    """[(rss_kb, mapping)] of a process, largest first, anonymous mappings as [anon]."""
    rss, name = {}, None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                parts = line.split()
                if re.match(r"^[0-9a-f]+-[0-9a-f]+$", parts[0]):
                    name = parts[5] if len(parts) > 5 else "[anon]"
                elif parts[0] == "Rss:":
                    rss[name] = rss.get(name, 0) + int(parts[1])
    except OSError:
        pass
    return sorted(((v, os.path.basename(k) if k.startswith("/") else k) for k, v in rss.items()), reverse=True)


def proc_threads(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None


def raise_nofile(want=200000):
    """Raises the descriptor limit (the hard one too when root); zoomws-mock raises its soft limit
    to the hard one, and 10,000 clients need more than the usual hard limit."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), max(hard, want)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def children_cpu():
    """CPU seconds of the children waited for so far (user + system)."""
    import resource
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def system_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return ""


# ------------------------------------------------------------------ simulator


class Mock:
    def __init__(self, bench, args, stamp=False):
        self.dir = tempfile.mkdtemp(prefix="zws-bench-", dir=bench.tmp)
        self.ca = os.path.join(self.dir, "ca.pem")
        argv = [bench.mock, "--port", "0", "--ca-out", self.ca, "--quiet"] + args
        env = dict(os.environ)
        if stamp:
            argv.append("--stamp")
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(os.path.join(self.dir, "mock.log"), "w"),
                                  text=True, env=env, preexec_fn=raise_nofile)
        line = self.p.stdout.readline()
        m = re.match(r"READY port=(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"zoomws-mock did not start: {line!r}")
        self.port = int(m.group(1))
        self.base = f"https://127.0.0.1:{self.port}"

    def env(self):
        e = dict(os.environ)
        e.update(CREDS)
        e.update({
            "ZOOM_OAUTH_URL": f"{self.base}/oauth/token",
            "ZOOM_WS_URL": f"wss://127.0.0.1:{self.port}/ws",
            "ZOOM_CA_FILE": self.ca,
            "NODE_EXTRA_CA_CERTS": self.ca,
        })
        return e

    def cpu(self):
        return proc_cpu_s(self.p.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ clients


class Client:
    def __init__(self, key, label, argv, missing=None, suffix=(), modes=("throughput", "latency", "idle")):
        self.key, self.label, self.argv, self.missing = key, label, argv, missing
        self.suffix, self.modes = list(suffix), modes


def run_client(argv, env, timeout):
    """Runs one client to completion; returns (json result or None, wall, error text)."""
    t = time.monotonic()
    try:
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - t, f"timed out after {timeout} s"
    wall = time.monotonic() - t
    res = None
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            try:
                res = json.loads(line)
            except ValueError:
                pass
    if p.returncode != 0 or res is None:
        return None, wall, f"exit {p.returncode}: {(p.stderr or p.stdout).strip()[-300:]}"
    return res, wall, None


# ------------------------------------------------------------------ the bench


class Bench:
    def __init__(self, a):
        self.a = a
        self.build = os.path.abspath(a.build)
        self.mock = os.path.join(self.build, "zoomws-mock")
        self.cbench = os.path.join(self.build, "bench", "zws_bench")
        self.lib = os.path.join(self.build, "libzoomws.so")
        self.tmp = tempfile.mkdtemp(prefix="zws-bench-")
        self.events_dir = os.path.join(self.build, "bench")
        self.mock_has_stamp = "--stamp" in sh(f"{self.mock} --help 2>&1")
        self.notes = []
        self.section_load = {}
        self.results = {}
        self.details = []
        self.clients = self.find_clients()

    def find_clients(self):
        node = shutil.which("node")
        ws_ok = os.path.isdir(os.path.join(HERE, "baselines", "node_modules", "ws"))
        pyws = subprocess.run([SYS_PYTHON, "-c", "import websockets"], capture_output=True).returncode == 0 \
            if os.path.exists(SYS_PYTHON) else False
        return [
            Client("c", "libzoomws (C)", [self.cbench]),
            Client("cname", "libzoomws (C), name only ¹", [self.cbench], suffix=["name-only"],
                   modes=("throughput",)),
            Client("py", "libzoomws (Python)", [SYS_PYTHON, os.path.join(HERE, "py_binding_bench.py")],
                   None if os.path.exists(SYS_PYTHON) else "no /usr/bin/python3"),
            Client("node", "Node.js + ws", [node or "node", os.path.join(HERE, "baselines", "node_ws.js")],
                   None if node and ws_ok else "needs node and `npm ci` in tests/bench/baselines"),
            Client("pyws", "Python + websockets", [SYS_PYTHON, os.path.join(HERE, "baselines", "py_websockets.py")],
                   None if pyws else "needs python3-websockets"),
        ]

    def active(self, mode):
        return [c for c in self.clients if not c.missing and mode in c.modes]

    def events_file(self, count):
        path = os.path.join(self.events_dir, f"events-{count}.jsonl")
        gen = os.path.join(HERE, "gen_events.py")
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(gen):
            log(f"generating {count} events into {path}")
            subprocess.run([SYS_PYTHON if os.path.exists(SYS_PYTHON) else sys.executable, gen, str(count), path],
                           check=True)
        return path

    def env_for(self, mock):
        e = mock.env()
        e["ZOOMWS_LIB"] = self.lib
        return e

    # -------------------------------------------------------------- 1. throughput

    def throughput(self):
        n = self.a.events
        path = self.events_file(n)
        rounds = []
        for r in range(self.a.runs):
            order = self.active("throughput")
            order = order[r % len(order):] + order[:r % len(order)]  # rotate: no client always first
            rnd = {}
            for c in order:
                mock = Mock(self, ["--events", path, "--rate", "0", "--idle-timeout", "0"])
                try:
                    m0, (b0, t0), k0 = mock.cpu(), system_busy(), children_cpu()
                    res, wall, err = run_client(c.argv + ["throughput", str(n)] + c.suffix, self.env_for(mock),
                                                self.a.timeout)
                    m1, (b1, t1), k1 = mock.cpu(), system_busy(), children_cpu()
                finally:
                    mock.stop()
                if err:
                    log(f"throughput {c.label} run {r + 1}: {err}")
                    rnd[c.key] = {"error": err}
                    continue
                ncpu = os.cpu_count() or 1
                span = (t1 - t0) / ncpu / CLK_TCK  # wall seconds covered by the /proc/stat sample
                res["eps"] = (res["events"] - 1) / res["wall_s"] if res["wall_s"] > 0 else None
                res["cpu_per_100k"] = res["cpu_s"] / res["events"] * 1e5
                res["mock_cpu_s"] = m1 - m0
                res["mock_share"] = (m1 - m0) / res["wall_s"]
                # what the rest of the machine used meanwhile: all busy time less the client's whole
                # process (start-up included) and the simulator's
                res["other_cores"] = max(0.0, (b1 - b0) / CLK_TCK - (m1 - m0) - (k1 - k0)) / span if span else None
                rnd[c.key] = res
                log(f"throughput {c.label} run {r + 1}: {res['eps']:.0f} ev/s, "
                    f"{res['cpu_per_100k']:.3f} CPU s/100k, mock {100 * res['mock_share']:.0f}% of a core, "
                    f"bad={res['bad']}")
            rounds.append(rnd)
        self.results["throughput"] = rounds

    # -------------------------------------------------------------- 2. latency

    def latency(self):
        rate, n, skip = self.a.latency_rate, self.a.latency_events, self.a.latency_skip
        path = self.events_file(self.a.events)
        runs = {c.key: [] for c in self.active("latency")}
        for r in range(self.a.runs_latency):
            for c in self.active("latency"):
                out = os.path.join(self.tmp, f"lat-{c.key}-{r}.txt")
                mock = Mock(self, ["--events", path, "--rate", str(rate), "--count", str(n), "--idle-timeout", "0"],
                            stamp=True)
                try:
                    m0 = mock.cpu()
                    t = time.monotonic()
                    res, wall, err = run_client(c.argv + ["latency", str(n), str(skip), out], self.env_for(mock),
                                                self.a.timeout)
                    mock_cpu = mock.cpu() - m0
                    dt = time.monotonic() - t
                finally:
                    mock.stop()
                if err:
                    log(f"latency {c.label} run {r + 1}: {err}")
                    runs[c.key].append({"error": err})
                    continue
                pairs = []
                with open(out) as f:
                    for line in f:
                        if line.strip():
                            sent, lat_us = line.split()
                            pairs.append((int(float(sent)), int(float(lat_us))))
                os.unlink(out)
                v = sorted(x for _, x in pairs)
                # the pacing as sent: intervals between consecutive send stamps (1/rate when on time);
                # "close" events left less than half an interval after the previous one, i.e. the
                # simulator was late and caught up, so they may queue behind their predecessor
                gaps = sorted(pairs[i][0] - pairs[i - 1][0] for i in range(1, len(pairs)))
                close = sum(1 for g in gaps if g < 1e6 / rate / 2)
                stamped = bool(v) and v[len(v) // 2] < 10**9
                one = {"samples": len(v), "p50": pct(v, 50), "p99": pct(v, 99), "p999": pct(v, 99.9),
                       "max": v[-1] if v else None, "min": v[0] if v else None, "stamped": stamped,
                       "gap_p50": pct(gaps, 50), "close": close / len(gaps) if gaps else None,
                       "bad": res.get("bad"), "mock_share": mock_cpu / dt}
                runs[c.key].append(one)
                log(f"latency {c.label} run {r + 1}: p50 {one['p50']} p99 {one['p99']} p99.9 {one['p999']} "
                    f"max {one['max']} µs; sent every {one['gap_p50']} µs (median), "
                    f"{fmt(None if one['close'] is None else 100 * one['close'], '.1f')}% less than half an "
                    f"interval after the previous; simulator {100 * one['mock_share']:.0f}% of a core "
                    f"({one['samples']} samples{'' if stamped else ', NOT STAMPED'})")
        self.results["latency"] = runs

    # -------------------------------------------------------------- 3a/4. idle and memory

    def floor(self, runs=3):
        """The RSS of libzoomws's dependencies alone (zws_bench floor: libcurl and OpenSSL initialised
        and a TLS context loaded with the simulator's CA, as the idle clients have, but no client)."""
        mock = Mock(self, ["--count", "0"])
        try:
            out = []
            for _ in range(runs):
                r, _, err = run_client([self.cbench, "floor"], self.env_for(mock), 30)
                if r:
                    out.append({"hwm_kb": r["hwm_kb"], "anon_kb": r["anon_kb"], "file_kb": r["file_kb"],
                                "cpu_per_min": 0.0, "wakeups_per_min": 0.0})
                else:
                    log(f"floor: {err}")
            return out
        finally:
            mock.stop()

    def idle(self):
        k, secs = self.a.idle_instances, self.a.idle_seconds
        mock = Mock(self, ["--count", "0"])
        procs = []
        try:
            for c in self.active("idle"):
                for i in range(k):
                    p = subprocess.Popen(c.argv + ["idle"], env=self.env_for(mock), stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True)
                    procs.append((c, p))
            deadline = time.monotonic() + 60
            for c, p in procs:
                line = ""
                while time.monotonic() < deadline and p.poll() is None:
                    line = p.stdout.readline()
                    if line.strip() == "OPEN":
                        break
                if line.strip() != "OPEN":
                    raise RuntimeError(f"{c.label} idle client did not open: {p.stderr.read()[-300:]}")
            log(f"idle: {len(procs)} clients open; settling 5 s, then measuring for {secs} s")
            time.sleep(5)
            before = {p.pid: (proc_cpu_s(p.pid), proc_ctxt(p.pid)) for c, p in procs}
            time.sleep(secs)
            after = {p.pid: (proc_cpu_s(p.pid), proc_ctxt(p.pid), proc_status_kb(p.pid, "VmHWM"),
                             proc_status_kb(p.pid, "VmRSS"), proc_threads(p.pid)) for c, p in procs}
            mem = {p.pid: (proc_status_kb(p.pid, "RssAnon"), proc_status_kb(p.pid, "RssFile"),
                           smaps_pss_kb(p.pid)) for c, p in procs}
            libs = {}
            for c, p in procs:
                if c.key == "c" and c.key not in libs:
                    libs[c.key] = smaps_by_file(p.pid)
        finally:
            for c, p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for c, p in procs:
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
            mock.stop()
        res = {c.key: [] for c in self.active("idle")}
        for c, p in procs:
            (cpu0, (v0, i0)), (cpu1, (v1, i1), hwm, rss, threads) = before[p.pid], after[p.pid]
            anon, filerss, pss = mem[p.pid]
            res[c.key].append({"anon_kb": anon, "file_kb": filerss, "pss_kb": pss,
                               "cpu_per_min": (cpu1 - cpu0) * 60 / secs,
                               "wakeups_per_min": ((v1 - v0) + (i1 - i0)) * 60 / secs,
                               "voluntary_per_min": (v1 - v0) * 60 / secs,
                               "hwm_kb": hwm, "rss_kb": rss, "threads": threads})
        if any(c.key == "c" for c in self.active("idle")):
            res["floor"] = self.floor()
        for key, rows in res.items():
            log(f"idle {key}: " + "; ".join(
                f"HWM {r['hwm_kb']} kB, {r['wakeups_per_min']:.1f} wake-ups/min, {r['cpu_per_min']:.3f} CPU s/min"
                for r in rows))
        self.results["idle"] = res
        self.results["idle_seconds"] = secs
        self.results["idle_libs"] = libs.get("c", [])

    # -------------------------------------------------------------- 3b. many clients

    def multi(self):
        """Standalone clients sharing the application's epoll set (`multi`, 4 fds each) up to
        1,000, and clients in one zws_group (`group`, 1 fd each) at every size; the largest
        group is held open for a while so that heartbeats must keep it alive."""
        res = {}
        biggest = max(self.a.multi) if self.a.multi else 0
        for n in self.a.multi:
            for mode in (["multi"] if n <= 1000 else []) + ["group"]:
                rows = []
                for r in range(self.a.runs_multi if n <= 1000 else self.a.runs_multi_big):
                    hold = self.a.group_hold if mode == "group" and n == biggest else 0
                    mock = Mock(self, ["--count", "0"])
                    try:
                        m0 = mock.cpu()
                        argv = [self.cbench, mode, str(n)] + ([str(hold)] if hold else [])
                        one, wall, err = run_client(argv, self.env_for(mock), 1200 + hold)
                        mock_cpu = mock.cpu() - m0
                    finally:
                        mock.stop()
                    if err:
                        log(f"{mode} {n} run {r + 1}: {err}")
                        rows.append({"error": err})
                        continue
                    one["mock_cpu_s"] = mock_cpu
                    rows.append(one)
                    log(f"{mode} {n} run {r + 1}: {one['open']}/{one['clients']} open (requested {n}), "
                        f"{one['per_client_kb']:.1f} KiB/client, "
                        f"{one['fds_per_client']:.2f} fds/client, connected in {one['connect_all_s']:.1f} s"
                        + (f", {one['hold_open']:,} still open after {hold} s" if hold else ""))
                res[(mode, n)] = rows
        self.results["multi"] = res

    # -------------------------------------------------------------- 5. reconnect

    def reconnect(self):
        samples = []
        for r in range(self.a.runs_reconnect):
            mock = Mock(self, ["--count", "0"])
            try:
                one, wall, err = run_client([self.cbench, "reconnect", str(self.a.drops), f"{mock.base}/_mock/drop"],
                                            self.env_for(mock), 60 + 10 * self.a.drops)
            finally:
                mock.stop()
            if err:
                log(f"reconnect run {r + 1}: {err}")
                continue
            samples += one["samples"]
            for s in one["samples"]:
                log(f"reconnect: {s['lost_to_open_ms']:.2f} ms (request to OPEN {s['request_to_open_ms']:.2f} ms) "
                    f"{s['path']}")
        self.results["reconnect"] = samples

    # -------------------------------------------------------------- profile

    def profile(self):
        prof = {}
        # files with exactly as many events as the client waits for: a client asked to stop in the
        # middle of a fast stream keeps reading (see results.md), which under valgrind takes ages
        path = self.events_file(min(self.a.events, 100000))
        if shutil.which("perf"):
            data = os.path.join(self.tmp, "perf.data")
            mock = Mock(self, ["--events", path, "--rate", "0", "--idle-timeout", "0"])
            try:
                _, _, err = run_client(["perf", "record", "-e", "cpu-clock", "-F", "4000", "-g", "-o", data,
                                        self.cbench, "throughput", str(min(self.a.events, 100000))],
                                       self.env_for(mock), self.a.timeout)
            finally:
                mock.stop()
            if not err:
                prof["perf_dso"] = sh(f"perf report -i {data} --no-children --sort dso --stdio 2>/dev/null "
                                      f"| grep -E '^ +[0-9.]+%' | head -12")
                prof["perf_sym"] = sh(f"perf report -i {data} --no-children --sort dso,symbol --stdio -g none "
                                      f"2>/dev/null | grep -E '^ +[0-9.]+%' | head -25")
                prof["perf_caller"] = sh(f"perf report -i {data} --children --sort symbol --stdio -g none "
                                         f"--dsos libzoomws.so.{self.version()} 2>/dev/null "
                                         f"| grep -E '^ +[0-9.]+%' | head -25")
            else:
                prof["perf_error"] = err
        if shutil.which("valgrind"):
            out = os.path.join(self.tmp, "callgrind.out")
            n = 5000
            mock = Mock(self, ["--events", self.events_file(n), "--rate", "0", "--idle-timeout", "0"])
            try:
                _, _, err = run_client(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                                        "--toggle-collect=zws_client_dispatch", self.cbench, "throughput", str(n)],
                                       self.env_for(mock), 900)
            finally:
                mock.stop()
            if not err and os.path.exists(out):
                prof["callgrind_n"] = n
                prof["callgrind_self"] = sh(f"callgrind_annotate --inclusive=no {out} 2>/dev/null | "
                                            f"sed -n '/^Ir/,$p' | grep -E '^ *[0-9,]+ ' | head -30")
                prof["callgrind_incl"] = sh(f"callgrind_annotate --inclusive=yes {out} 2>/dev/null | "
                                            f"sed -n '/^Ir/,$p' | grep -E '^ *[0-9,]+ ' | head -30")
            else:
                prof["callgrind_error"] = err or "no output"
        self.results["profile"] = prof

    def version(self):
        for f in os.listdir(self.build):
            m = re.match(r"libzoomws\.so\.(\d+\.\d+\.\d+)$", f)
            if m:
                return m.group(1)
        return "0"

    # -------------------------------------------------------------- report

    def machine(self):
        cpu = sh("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1")
        mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
        return f"{cpu}, {os.cpu_count()} cores, {mem}, Linux {platform.release()}"

    def commit(self):
        if self.a.commit:
            return self.a.commit
        c = sh(f"git -C {SRC} rev-parse --short HEAD")
        dirty = sh(f"git -C {SRC} status --porcelain -- lib include tools")
        return (c or "unknown") + (" (+ uncommitted changes in lib/include/tools)" if dirty else "")

    def versions(self):
        v = [f"OpenSSL {sh('openssl version').split()[1] if sh('openssl version') else '?'}"]
        v.append("wslay " + (sh("dpkg-query -W -f='${Version}' libwslay1") or "?"))
        v.append("jansson " + (sh("dpkg-query -W -f='${Version}' libjansson4") or "?"))
        if shutil.which("node"):
            v.append("Node " + sh("node --version"))
            wsv = sh(f"node -p \"require('{HERE}/baselines/node_modules/ws/package.json').version\"")
            if wsv:
                v.append("ws " + wsv)
        if os.path.exists(SYS_PYTHON):
            v.append("Python " + sh(f"{SYS_PYTHON} -c 'import platform; print(platform.python_version())'"))
            wv = sh(f"{SYS_PYTHON} -c 'import websockets; print(websockets.__version__)'")
            if wv:
                v.append("websockets " + wv)
        return ", ".join(v)


def fmt(x, spec=",.0f", none="–"):
    return none if x is None else format(x, spec)


def verdict(ok):
    return "–" if ok is None else ("**met**" if ok else "**missed**")


def table(b):
    """The one table: metrics down, clients across, then target and verdict (libzoomws C)."""
    R = b.results
    keys = [c.key for c in b.clients]
    head = "| metric | " + " | ".join(c.label for c in b.clients) + " | target | libzoomws (C) |"
    rows = [head, "|" + " --- |" * (len(keys) + 3)]

    def row(name, vals, target="", ok=None):
        rows.append(f"| {name} | " + " | ".join(vals.get(k, "–") for k in keys) + f" | {target} | {verdict(ok)} |")

    tp = R.get("throughput")
    if tp:
        def med(key, field):
            return median([r[key].get(field) for r in tp if key in r and "error" not in r[key]])

        def ratio(a, bb, field, inv=False):
            xs = []
            for r in tp:
                if a in r and bb in r and "error" not in r[a] and "error" not in r[bb]:
                    x, y = r[a][field], r[bb][field]
                    xs.append((y / x) if inv else (x / y))
            return median(xs)

        eps = {k: med(k, "eps") for k in keys}
        cpu = {k: med(k, "cpu_per_100k") for k in keys}
        row(f"throughput, events/s ({b.a.events:,} × ~1 KB, TLS, loopback)", {k: fmt(eps[k]) for k in keys})
        row("CPU seconds per 100,000 events", {k: fmt(cpu[k], ".3f") for k in keys})
        rn, rp = ratio("c", "node", "eps"), ratio("c", "pyws", "eps")
        rows_r = {k: fmt(ratio(k, "node", "eps"), ".2f") + "×" if ratio(k, "node", "eps") else "–" for k in keys}
        row("throughput ÷ Node's (same round)", rows_r, "≥ 3×", None if rn is None else rn >= 3)
        rows_r = {k: fmt(ratio(k, "pyws", "eps"), ".2f") + "×" if ratio(k, "pyws", "eps") else "–" for k in keys}
        row("throughput ÷ Python websockets' (same round)", rows_r, "≥ 10×", None if rp is None else rp >= 10)
        rc = ratio("c", "node", "cpu_per_100k")
        rows_r = {k: fmt(ratio(k, "node", "cpu_per_100k"), ".2f") if ratio(k, "node", "cpu_per_100k") else "–"
                  for k in keys}
        row("CPU per event ÷ Node's (same round)", rows_r, "≤ 0.33", None if rc is None else rc <= 1 / 3)
        ms = {k: med(k, "mock_share") for k in keys}
        row("simulator CPU during the run, % of one core", {k: fmt(None if ms[k] is None else 100 * ms[k], ".0f") + "%"
                                                           if ms[k] is not None else "–" for k in keys},
            "not the bottleneck", None if ms.get("c") is None else ms["c"] < 0.9)
    lat = R.get("latency")
    if lat:
        def lmed(k, f):
            return median([r.get(f) for r in lat.get(k, []) if "error" not in r and r.get("stamped")])
        for f, name in (("p50", "p50"), ("p99", "p99"), ("p999", "p99.9")):
            vals = {k: fmt(lmed(k, f), ",.0f") for k in keys}
            target, ok = "", None
            if f == "p99":
                target, ok = "≤ 100 µs", None if lmed("c", "p99") is None else lmed("c", "p99") <= 100
            row(f"latency {name}, µs, send → callback at {b.a.latency_rate:,} events/s", vals, target, ok)
    idle = R.get("idle")
    if idle:
        hwm = {k: median([r["hwm_kb"] for r in idle.get(k, [])]) for k in keys}
        row("peak RSS of one connected idle client, MiB", {k: fmt(None if hwm[k] is None else hwm[k] / 1024, ".1f")
                                                           for k in keys},
            "≤ 4 MiB", None if hwm.get("c") is None else hwm["c"] <= 4096)
        an = {k: median([r.get("anon_kb") for r in idle.get(k, [])]) for k in keys}
        fb = {k: median([r.get("file_kb") for r in idle.get(k, [])]) for k in keys}
        row("… of which anonymous / file-backed (shared libraries), MiB",
            {k: f"{fmt(None if an[k] is None else an[k] / 1024, '.1f')} / {fmt(None if fb[k] is None else fb[k] / 1024, '.1f')}"
             for k in keys if an[k] is not None})
        fl = idle.get("floor") or []
        if fl:
            f_hwm = median([r["hwm_kb"] for r in fl])
            f_an, f_fb = median([r["anon_kb"] for r in fl]), median([r["file_kb"] for r in fl])
            row("… the dependencies alone: libcurl, OpenSSL and what they load, initialised, no client "
                "(total; anonymous / file-backed), MiB",
                {"c": f"{fmt(f_hwm / 1024, '.1f')} ({fmt(f_an / 1024, '.1f')} / {fmt(f_fb / 1024, '.1f')})"})
        wk = {k: median([r["wakeups_per_min"] for r in idle.get(k, [])]) for k in keys}
        row("idle wake-ups per minute (context switches, all threads)", {k: fmt(wk[k], ".1f") for k in keys},
            "heartbeat + liveness only (≤ 4: 2 heartbeats, 2 replies)", None if wk.get("c") is None else wk["c"] <= 5)
        cp = {k: median([r["cpu_per_min"] for r in idle.get(k, [])]) for k in keys}
        row("idle CPU seconds per minute", {k: fmt(cp[k], ".3f") for k in keys})
    multi = R.get("multi")
    if multi:
        where = {"multi": "standalone clients in one epoll loop", "group": "clients in one zws_group"}
        for (mode, n), rs in multi.items():
            good = [r for r in rs if "error" not in r]
            per = median([r["per_client_kb"] for r in good])
            got = median([r["clients"] for r in good])
            limited = any(r.get("fd_limited") for r in good)
            label = f"{n:,}" if not limited else f"{n:,} requested, {fmt(got)} fit the descriptor limit,"
            row(f"RSS added per client, {label} {where[mode]}, KiB", {"c": fmt(per, ".1f")},
                "≤ 64 KiB", None if per is None else per <= 64)
            fds = median([r["fds_per_client"] for r in good])
            row(f"descriptors per client, {n:,} {where[mode]}", {"c": fmt(fds, ".2f")})
            if n >= 10000:
                opened = bool(good) and all(r.get("all_opened") and not r.get("fd_limited") for r in good)
                held = [r for r in good if "hold_s" in r]
                if opened:
                    text = f"yes ({fmt(median([r['connect_all_s'] for r in good]), '.1f')} s to connect"
                    if held:
                        h = held[0]
                        opened = opened and h["hold_open"] == h["clients"]
                        text += (f"; {h['hold_open']:,} of {h['clients']:,} still open after {h['hold_s']} s "
                                 f"of heartbeats, {h['hold_failures']} failures")
                    text += ")"
                elif limited:
                    r0 = good[0]
                    text = (f"no: {r0['fds_per_client']:.0f} fds per client, RLIMIT_NOFILE {r0['fd_limit']:,} "
                            f"(not raisable here) → at most {r0['clients']:,}")
                else:
                    text = "no" + (f": {rs[0]['error'][:60]}" if rs and "error" in rs[0] else "")
                row(f"{n:,} {where[mode]}, connected in one process", {"c": text}, "yes", opened)
    rec = R.get("reconnect")
    if rec:
        v = sorted(s["lost_to_open_ms"] for s in rec)
        med_ms = median(v)
        row("reconnect after an abrupt drop (valid token), ms, median / max",
            {"c": f"{fmt(med_ms, '.2f')} / {fmt(v[-1], '.2f')}"}, "≤ 10 ms",
            None if med_ms is None else med_ms <= 10)
    return "\n".join(rows)


def report(b, started, load0, load1, busy_other):
    R = b.results
    out = [
        "# libzoomws benchmarks",
        "",
        "Written by `make bench` (tests/bench/run_bench.py); the method is below the table.",
        "",
        f"- **Machine**: {b.machine()}",
        f"- **Date**: {started:%Y-%m-%d %H:%M} UTC",
        f"- **Commit**: {b.commit()}",
        f"- **Software**: {b.versions()}",
        f"- **Load**: load average (1, 5, 15 min) {load0} before, {load1} after; at the start of each section: "
        + "; ".join(f"{k} {v}" for k, v in b.section_load.items())
        + f". Other processes used a median of {fmt(busy_other, '.2f')} of the {os.cpu_count()} cores during the "
        "throughput runs (all busy time less the client's and the simulator's)",
        f"- **Runs**: throughput {b.a.runs}, latency {b.a.runs_latency}, idle {b.a.idle_instances} concurrent "
        f"instances × {b.a.idle_seconds} s, many clients {b.a.runs_multi} (1,000) / {b.a.runs_multi_big} (10,000), "
        f"reconnect {b.a.runs_reconnect} × {b.a.drops} drops; every figure is the median",
        "",
        table(b),
        "",
        "The last column judges libzoomws (C) against the issue's targets. "
        "libzoomws (Python) is tests/bench/py_binding_bench.py: bindings/python when it is there, else a "
        "minimal ctypes client.",
        "",
        "¹ A diagnostic, not a client of the issue: libzoomws (C) with a handler that reads the event name only "
        "(no `zws_event_get_str`), i.e. the cost of TLS, framing and the envelope scanner alone.",
        "",
    ]
    out += method(b)
    out += details(b)
    return "\n".join(out) + "\n"


def method(b):
    a = b.a
    stamp = "zoomws-mock --stamp"
    return [
        "## Method",
        "",
        f"- **Events**: {a.events:,} `meeting.participant_joined` events from tests/bench/gen_events.py, "
        "about 1,040 bytes of inner JSON each (realistic fields, some non-ASCII names), sent by zoomws-mock "
        "double-encoded as Zoom does (`{\"module\":\"message\",\"content\":\"<escaped event>\"}`, about 1.2 KB a frame), "
        "over TLS on 127.0.0.1.",
        "- **Handlers**: each client reads the event name and `payload.object.participant.user_name` and counts "
        "events where either is wrong (`bad`, always 0 here). libzoomws: `zws_event_name` + `zws_event_get_str` in a "
        "`\"*\"` handler, the client waiting on `zws_client_get_fd` with poll. Baselines "
        "(tests/bench/baselines/) are written as Zoom's public samples are: token by POST, `ws` / `websockets` "
        "connection, heartbeat every 30 s, `JSON.parse`/`json.loads` of the envelope and then of `content`.",
        f"- **Throughput**: `zoomws-mock --rate 0` (as fast as the connection drains, at most 32 frames queued); "
        f"time and the client's own CPU (getrusage / process.cpuUsage / os.times) from the first to the last event. "
        f"Each round runs every client once, each against a fresh simulator, in a rotating order; ratios are taken "
        f"inside a round, then the median over {a.runs} rounds. The simulator's CPU is read from /proc over the run.",
        f"- **Latency**: `zoomws-mock --rate {a.latency_rate}` for {a.latency_events:,} events, the first "
        f"{a.latency_skip:,} skipped as warm-up. Each event carries `\"sent_us\":1000000000000000`; {stamp} "
        "overwrites the 16 digits with CLOCK_REALTIME µs when the frame is handed to SSL_write. The client takes "
        "CLOCK_REALTIME µs first thing in its callback (Node: performance.timeOrigin + performance.now()). "
        f"The simulator paces events as a server sending them as they happen: event k is due {1e6 / a.latency_rate:g} µs "
        "after event k − 1 (CLOCK_MONOTONIC ns, woken by a timerfd), and each goes out in its own SSL_write when "
        "due. If the simulator falls behind (it shares the machine), what is due goes out back to back; the "
        "details give the median send interval and the share of events sent less than half an interval after "
        "the previous one.",
        f"- **Idle**: {a.idle_instances} instances of each client connected at once to one simulator with no events "
        f"(heartbeats only, every 30 s as Zoom asks); after 5 s of settling, CPU (utime+stime) and context switches "
        f"(voluntary + involuntary, summed over all threads: each is a wake-up) are read from /proc over "
        f"{a.idle_seconds} s; peak RSS is VmHWM at the end. The floor under it is `zws_bench floor`: a process "
        f"linked as the C client is that initialises libcurl and OpenSSL and loads a TLS context with the same CA, "
        f"but starts no client (median of 3).",
        "- **Many clients**: tests/bench/zws_bench.c, one process: `multi N` (standalone clients, one epoll set "
        "holding every client's fd; 4 descriptors per client) and `group N` (the clients in one `zws_group`: one "
        "epoll set, timer and eventfd for all, so a client costs its socket); clients connected 64 at a time (each "
        "fetches its own token, as separate processes would); RSS added per client = (VmRSS with N open − VmRSS "
        f"with 1 open) / (N − 1), after 2 s of settling. The largest group then stays connected {a.group_hold} s "
        "(heartbeats every 30 s; the simulator closes a connection silent for 60 s) and is counted again. "
        "RLIMIT_NOFILE is raised as far as the hard limit by the bench program and by the simulator.",
        "- **Reconnect**: one client, OPEN for 5.5 s (so the backoff counter is reset and the first retry is "
        "immediate), then `POST /_mock/drop` (TCP close, no close frame) from a warmed keep-alive connection; "
        "the time is from the state callback leaving OPEN to the state callback entering OPEN again; the token "
        "stays valid (no AUTHENTICATING in the path).",
        "",
    ]


def details(b):
    R = b.results
    out = ["## Details", ""]
    tp = R.get("throughput")
    if tp:
        out += ["### Throughput runs", "", "| round | client | events/s | CPU s/100k | simulator % core | "
                "other load, cores | client peak RSS, MiB |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for i, rnd in enumerate(tp):
            for c in b.clients:
                r = rnd.get(c.key)
                if not r:
                    continue
                if "error" in r:
                    out.append(f"| {i + 1} | {c.label} | error: {r['error'][:80]} | | | | |")
                    continue
                out.append(f"| {i + 1} | {c.label} | {fmt(r['eps'])} | {r['cpu_per_100k']:.3f} | "
                           f"{100 * r['mock_share']:.0f}% | {fmt(r.get('other_cores'), '.2f')} | "
                           f"{r.get('max_rss_kb', 0) / 1024:.1f} |")
        out.append("")
    lat = R.get("latency")
    if lat:
        out += ["### Latency runs (µs)", "", "| client | run | samples | min | p50 | p99 | p99.9 | max | "
                "send interval, median | sent < ½ interval after the previous | simulator % core |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for c in b.clients:
            for i, r in enumerate(lat.get(c.key, [])):
                if "error" in r:
                    out.append(f"| {c.label} | {i + 1} | error: {r['error'][:80]} | | | | | | | | |")
                else:
                    out.append(f"| {c.label} | {i + 1} | {r['samples']} | {fmt(r['min'])} | {fmt(r['p50'])} | "
                               f"{fmt(r['p99'])} | {fmt(r['p999'])} | {fmt(r['max'])} | "
                               f"{fmt(r['gap_p50'])} | {fmt(None if r['close'] is None else 100 * r['close'], '.1f')}% | "
                               f"{100 * r['mock_share']:.0f}% |"
                               + ("" if r["stamped"] else " (not stamped)"))
        out.append("")
    idle = R.get("idle")
    if idle:
        out += [f"### Idle instances ({R['idle_seconds']} s each)", "", "| client | peak RSS, KiB | RSS now, KiB | "
                "anonymous / file-backed, KiB | PSS, KiB | threads | wake-ups/min | voluntary/min | CPU s/min |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for c in b.clients:
            for r in idle.get(c.key, []):
                out.append(f"| {c.label} | {fmt(r['hwm_kb'])} | {fmt(r['rss_kb'])} | {fmt(r['anon_kb'])} / "
                           f"{fmt(r['file_kb'])} | {fmt(r['pss_kb'])} | {r['threads']} | "
                           f"{r['wakeups_per_min']:.1f} | {r['voluntary_per_min']:.1f} | {r['cpu_per_min']:.3f} |")
        out.append("")
        if R.get("idle_libs"):
            out += ["Resident memory of one idle libzoomws (C) process by mapping (KiB, the largest):", "", "```"]
            out += [f"{kb:>7} {name}" for kb, name in R["idle_libs"][:14]]
            out += ["```", ""]
    multi = R.get("multi")
    if multi:
        out += ["### Many clients in one process", "", "| clients | how | run | open | RSS before / 1 open / all "
                "open, MiB | KiB per client | fds per client | connect all, s | held open | simulator CPU, s |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for (mode, n), rs in multi.items():
            for i, r in enumerate(rs):
                if "error" in r:
                    out.append(f"| {n:,} | {mode} | {i + 1} | error: {r['error'][:80]} | | | | | | |")
                    continue
                held = (f"{r['hold_open']:,} after {r['hold_s']} s ({r['hold_failures']} failures)"
                        if "hold_s" in r else "–")
                out.append(f"| {n:,} | {mode} | {i + 1} | {r['open']:,}{' (fd limit)' if r.get('fd_limited') else ''} | "
                           f"{r['rss_before_kb'] / 1024:.1f} / "
                           f"{r['rss_1_kb'] / 1024:.1f} / {r['rss_n_kb'] / 1024:.1f} | {r['per_client_kb']:.1f} | "
                           f"{r['fds_per_client']:.2f} | {r['connect_all_s']:.1f} | {held} | {r['mock_cpu_s']:.1f} |")
        out.append("")
    rec = R.get("reconnect")
    if rec:
        out += ["### Reconnects", "", "| # | drop seen → OPEN, ms | drop requested → OPEN, ms | new token? | "
                "states (time since the previous one) |", "| --- | --- | --- | --- | --- |"]
        for i, s in enumerate(rec):
            out.append(f"| {i + 1} | {s['lost_to_open_ms']:.2f} | {s['request_to_open_ms']:.2f} | "
                       f"{'yes' if s['reauth'] else 'no'} | {s['path']} |")
        out.append("")
    prof = R.get("profile")
    if prof:
        out += ["### Profile of the libzoomws throughput path", ""]
        if prof.get("perf_dso"):
            out += ["`perf record -e cpu-clock` of `zws_bench throughput` (the whole process), by library:", "",
                    "```", prof["perf_dso"], "```", "", "By function (self time):", "", "```", prof["perf_sym"],
                    "```", ""]
        if prof.get("callgrind_self"):
            out += [f"`valgrind --tool=callgrind --toggle-collect=zws_client_dispatch`, "
                    f"{prof['callgrind_n']:,} events, instructions by function (self):", "", "```",
                    prof["callgrind_self"], "```", "", "Inclusive:", "", "```", prof["callgrind_incl"], "```", ""]
        for k in ("perf_error", "callgrind_error"):
            if prof.get(k):
                out += [f"{k}: {prof[k]}", ""]
    for n in b.notes:
        out += [n, ""]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--only", default="throughput,latency,idle,multi,reconnect,profile")
    ap.add_argument("--runs", type=int, default=5, help="throughput rounds")
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--runs-latency", type=int, default=3)
    ap.add_argument("--latency-rate", type=int, default=10000)
    ap.add_argument("--latency-events", type=int, default=42000)
    ap.add_argument("--latency-skip", type=int, default=2000)
    ap.add_argument("--idle-instances", type=int, default=3)
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--multi", default="1000,10000")
    ap.add_argument("--runs-multi", type=int, default=3)
    ap.add_argument("--runs-multi-big", type=int, default=1)
    ap.add_argument("--group-hold", type=int, default=65,
                    help="seconds the largest group stays connected after it opened (heartbeats every 30 s)")
    ap.add_argument("--runs-reconnect", type=int, default=2)
    ap.add_argument("--drops", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--commit", help="commit to record (default: git rev-parse HEAD)")
    ap.add_argument("--quick", action="store_true", help="small runs, to try the bench out")
    a = ap.parse_args()
    a.multi = [int(x) for x in a.multi.split(",") if x]
    if a.quick:
        a.runs, a.events, a.runs_latency, a.latency_events = 2, 20000, 1, 12000
        a.idle_instances, a.idle_seconds, a.multi, a.runs_multi, a.runs_reconnect, a.drops = 1, 10, [200], 1, 1, 2
        a.group_hold = 0
    b = Bench(a)
    for x in (b.mock, b.cbench):
        if not os.path.exists(x):
            sys.exit(f"bench: {x} is missing (run `make bench`)")
    for c in b.clients:
        if c.missing:
            log(f"skipping {c.label}: {c.missing}")
            b.notes.append(f"{c.label} was not measured: {c.missing}.")
    started = datetime.datetime.utcnow()
    load0 = loadavg()
    sections = a.only.split(",")
    try:
        for s in ("throughput", "latency", "idle", "multi", "reconnect", "profile"):
            if s in sections:
                b.section_load[s] = loadavg()
                log(f"--- {s} (load average {b.section_load[s]})")
                getattr(b, s)()
    finally:
        shutil.rmtree(b.tmp, ignore_errors=True)
    load1 = loadavg()
    other = None
    if b.results.get("throughput"):
        other = median([r.get("other_cores") for rnd in b.results["throughput"] for r in rnd.values()
                        if "error" not in r])
    text = report(b, started, load0, load1, other)
    with open(a.out, "w") as f:
        f.write(text)
    print(table(b))
    log(f"wrote {a.out}")


if __name__ == "__main__":
    main()
