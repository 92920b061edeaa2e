#!/usr/bin/env python3
"""zoomsh measured against the way Zoom's guide does it (curl + jq) and an independent client
(zoomus from PyPI), job by job, on one simulator in one run.

    bench/bench.py                 # builds the release binary, installs zoomus into target/
    bench/bench.py --quick         # fewer repetitions
    ZOOMSH_BIN=target/release/zoomsh bench/bench.py

The simulator runs with 50 ms latency and business-plan limits (`zoomsh sim --latency 50
--plan business --users 20000`). Every figure is compared with a baseline measured in the same
run, so the noise of a shared machine mostly cancels out. Results are printed as a Markdown
table (BENCHMARKS.md keeps the latest).

Jobs and zoomsh's targets:
1. `users/me` from a cold start, token cache warm: at most 0.6x the guide's curl pair (which
   always mints a token).
2. Every user of a 20,000-user account (the active ones, as `GET /users` lists them) through
   pagination: within 10% of the ideal (pages x round trip), peak
   memory under 100 MB.
3. 800 meeting lookups: within 10% of the rate-limit-bound ideal, zero 429s.
4. Filter and group 100,000 user records in a script: no slower than jq on the same JSON file.
5. Start-up: `zoomsh eval '1 + 1'` median under 15 ms.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
VENV = os.path.join(ROOT, "target", "zoomus-venv")


def run_measured(cmd, env=None):
    """Run a command; return (wall seconds, stdout). A failure ends the benchmark."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n"
                 f"{proc.stderr.decode()}")
    return wall, proc.stdout.decode()


def measured_rss(cmd, env):
    """Peak RSS of one command alone, via /usr/bin/time (children included)."""
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(f.read().strip().splitlines()[-1]) / 1024


def median_wall(cmd, env, runs):
    return statistics.median(run_measured(cmd, env)[0] for _ in range(runs))


class Simulator:
    def __init__(self, binary, args):
        self.proc = subprocess.Popen([binary, "sim"] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.env = {}
        while len(self.env) < 5:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("the simulator did not start")
            if line.startswith("export "):
                key, _, value = line[len("export "):].strip().partition("=")
                self.env[key] = value.strip("'\"")
        self.url = self.env["ZOOMSH_API_URL"]

    def stats(self):
        with urllib.request.urlopen(self.url + "/_sim/stats") as r:
            return json.load(r)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def zoomus_python():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "--quiet", "zoomus==1.2.1"],
                       check=True)
    return python


def fmt(x, unit="s"):
    return f"{x * 1000:.1f} ms" if unit == "ms" else f"{x:.2f} s"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    opts = parser.parse_args()
    runs = 5 if opts.quick else 15

    binary = os.environ.get("ZOOMSH_BIN")
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "zoomsh")
    python = zoomus_python()

    sim = Simulator(binary, ["--latency", "50", "--plan", "business", "--users", "20000"])
    work = tempfile.mkdtemp(prefix="zoomsh-bench-")
    env = dict(os.environ, **sim.env, ZOOMSH_CACHE_DIR=os.path.join(work, "cache"), NO_COLOR="1",
               ZOOMSH_PLAN="business")  # the account plan sizes the client-side limits
    rows = []

    def zoomsh(*args):
        return [binary] + list(args)

    def script(name):
        return os.path.join(BENCH, "jobs", name)

    try:
        # Job 5: start-up (no network).
        startup = median_wall(zoomsh("eval", "1 + 1"), env, runs * 2)
        python_startup = median_wall([sys.executable, "-c", "1 + 1"], env, runs * 2)
        rows.append(("5. start-up: `zoomsh eval '1 + 1'`", fmt(startup, "ms"),
                     f"python3 -c '1+1': {fmt(python_startup, 'ms')}",
                     f"{startup / python_startup:.2f}x python", "< 15 ms",
                     "met" if startup < 0.015 else f"missed by {fmt(startup - 0.015, 'ms')}"))

        # Job 1: users/me, cold process, warm token cache.
        run_measured(zoomsh("run", script("users_me.rhai")), env)  # warms the cache
        zs = median_wall(zoomsh("run", script("users_me.rhai")), env, runs)
        guide = median_wall(["bash", os.path.join(BENCH, "peers", "guide_users_me.sh")], env, runs)
        zoomus = median_wall([python, os.path.join(BENCH, "peers", "zoomus_jobs.py"), "users_me"],
                             env, runs)
        ratio = zs / guide
        rows.append(("1. `users/me`, cold start, warm token cache", fmt(zs, "ms"),
                     f"curl pair {fmt(guide, 'ms')}; zoomus {fmt(zoomus, 'ms')}",
                     f"{ratio:.2f}x curl", "<= 0.6x curl",
                     "met" if ratio <= 0.6 else f"missed by {ratio - 0.6:.2f}x"))

        # Job 2: all 20,000 users.
        one_page = [binary, "run", script("one_page.rhai")]
        run_measured(one_page, env)
        page_rtt = statistics.median(
            float(run_measured(one_page, env)[1].strip()) for _ in range(runs))
        all_cmd = zoomsh("run", script("all_users.rhai"))
        walls, counts = [], set()
        for _ in range(3):
            wall, out = run_measured(all_cmd, env)
            walls.append(wall)
            counts.add(int(out.strip()))
        if len(counts) != 1:
            sys.exit(f"the user walk returned different counts: {counts}")
        users = counts.pop()
        pages = -(-users // 300)
        ideal = pages * page_rtt
        zs_wall = statistics.median(walls)
        zs_rss = measured_rss(all_cmd, env)
        guide_cmd = ["bash", os.path.join(BENCH, "peers", "guide_all_users.sh")]
        guide_wall = run_measured(guide_cmd, env)[0]
        guide_rss = measured_rss(guide_cmd, env)
        zoomus_cmd = [python, os.path.join(BENCH, "peers", "zoomus_jobs.py"), "all_users"]
        zoomus_wall = run_measured(zoomus_cmd, env)[0]
        zoomus_rss = measured_rss(zoomus_cmd, env)
        over = zs_wall / ideal - 1
        rows.append((f"2. all {users:,} active users of 20,000 ({pages} pages)",
                     f"{fmt(zs_wall)}, {zs_rss:.0f} MB",
                     f"ideal {fmt(ideal)} ({pages} x {fmt(page_rtt, 'ms')}); curl+jq {fmt(guide_wall)}, "
                     f"{guide_rss:.0f} MB; zoomus {fmt(zoomus_wall)}, {zoomus_rss:.0f} MB",
                     f"{zs_wall / ideal:.2f}x ideal", "<= 1.10x ideal, < 100 MB",
                     "met" if over <= 0.10 and zs_rss < 100 else f"{over * 100:+.0f}% vs ideal"))

        # Job 3: 800 meeting lookups.
        ids_out = run_measured(zoomsh("run", script("meeting_ids.rhai")), env)[1].split()
        ids = (ids_out * (800 // max(len(ids_out), 1) + 1))[:800]
        ids_file = os.path.join(work, "ids.json")
        with open(ids_file, "w") as f:
            json.dump([int(i) for i in ids], f)
        before = sim.stats().get("too_many_requests", 0)
        zs_wall = run_measured(zoomsh("run", script("meetings.rhai"), "--arg", f"ids={ids_file}"),
                               env)[0]
        zs_429 = sim.stats().get("too_many_requests", 0) - before
        seq_wall = run_measured(zoomsh("run", script("meetings_sequential.rhai"), "--arg",
                                       f"ids={ids_file}"), env)[0]
        guide_wall = run_measured(["bash", os.path.join(BENCH, "peers", "guide_meetings.sh"),
                                   ids_file], env)[0]
        zoomus_wall = run_measured([python, os.path.join(BENCH, "peers", "zoomus_jobs.py"),
                                    "meetings", ids_file], env)[0]
        ideal = 800 / 80  # GET /meetings/{id} is Light: 80 per second on business plans
        over = zs_wall / ideal - 1
        rows.append(("3. 800 meeting lookups (`zoom.get_many`)", f"{fmt(zs_wall)}, {zs_429} x 429",
                     f"ideal {fmt(ideal)}; zoomsh sequential {fmt(seq_wall)}; curl loop "
                     f"{fmt(guide_wall)}; zoomus {fmt(zoomus_wall)}",
                     f"{zs_wall / ideal:.2f}x ideal", "<= 1.10x ideal, 0 x 429",
                     "met" if over <= 0.10 and zs_429 == 0 else f"{over * 100:+.0f}% vs ideal"))

        # Job 4: group 100,000 user records.
        data = os.path.join(work, "users.json")
        rng = random.Random(7)
        depts = ["Engineering", "Sales", "Support", "Finance", "HR", "Legal", "Marketing", "Ops"]
        with open(data, "w") as f:
            json.dump([{"id": f"u{i}", "email": f"user{i}@example.com", "dept": rng.choice(depts),
                        "status": rng.choice(["active", "active", "inactive", "pending"]),
                        "type": rng.choice([1, 2])} for i in range(100_000)], f)
        zs = median_wall(zoomsh("run", script("group_users.rhai"), "--arg", f"file={data}"), env,
                         max(3, runs // 3))
        jq = median_wall(["jq", "reduce .[] as $u ({}; .[\"\\($u.dept)|\\($u.status)\"] += 1) "
                          "| length", data], env, max(3, runs // 3))
        rows.append(("4. group 100,000 users by dept and status", fmt(zs), f"jq {fmt(jq)}",
                     f"{zs / jq:.2f}x jq", "<= 1.0x jq",
                     "met" if zs <= jq else f"missed by {(zs / jq - 1) * 100:.0f}%"))
    finally:
        sim.stop()

    print("| job | zoomsh | baselines (same run) | ratio | target | verdict |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
