"""Failure tests of the scale-out mode against a real local cluster (scripts/cluster-chaos.sh runs this).

Brings up its own cluster with scripts/cluster-local.sh (PostgreSQL, S3Proxy, 2 serving replicas, 2 training
workers, haproxy, all on 127.0.0.1), runs the scenarios below one after the other, prints one JSON object per
scenario with its figures and "passed", then a summary line, and takes the cluster down again. Every load it
sends is bounded in time and goes to 127.0.0.1 only.

  1. kill -9 one serving replica under load through haproxy; then SIGTERM the other one under load
  2. kill -9 the worker running a job; SIGSTOP the worker running a job until its lease is lost, then SIGCONT
  3. S3Proxy stopped (SIGSTOP) for 20 s while a version is being switched to and a job is publishing
  4. PostgreSQL restarted while a job runs
  5. two activations racing on two replicas; a version whose file does not match its checksum
  6. a replica started in the middle of a switch
  7. a canary at 30%: kill -9 a replica and start it again (it keeps the split); end the canary while the other
     replica is down (it comes back and obeys the decision)
"""

import csv
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER = os.path.join(ROOT, "scripts", "cluster-local.sh")
DIR = os.path.abspath(os.environ.get("CLUSTER_DIR", os.path.join(ROOT, "target", "cluster-chaos")))
LEASE = int(os.environ.get("LEASE_SECONDS", "12"))
DATA = os.environ.get("DATA", os.path.join(ROOT, "..", "shared", "datasets", "sst2", "train.csv"))
DEV = os.environ.get("DEV", os.path.join(ROOT, "..", "shared", "datasets", "sst2", "dev.csv"))
ENV = dict(os.environ, CLUSTER_DIR=DIR, LEASE=f"{LEASE}s")
results = []


def log(message):
    print(f"[chaos] {message}", file=sys.stderr, flush=True)


def cluster(*args, check=True):
    done = subprocess.run([CLUSTER, *args], env=ENV, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"cluster-local.sh {' '.join(args)} exited with {done.returncode}")
    return done.stdout.strip()


def request(method, url, body=None, headers=None, timeout=30):
    """(status, headers with lower-case names, parsed JSON or text); status 0 when no answer came."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), data, all_headers)
        response = connection.getresponse()
        raw = response.read().decode()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed
    except (OSError, http.client.HTTPException) as e:
        return 0, {}, str(e)
    finally:
        connection.close()


def pid(node):
    with open(os.path.join(DIR, f"{node}.pid")) as f:
        return int(f.read().strip())


def url(node):
    with open(os.path.join(DIR, f"{node}.url")) as f:
        return f.read().strip()


def alive(p):
    try:
        os.kill(p, 0)
        return True
    except OSError:
        return False


def wait_until(condition, seconds, step=0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


class Load:
    """Classification requests through haproxy from `threads` keep-alive clients for `seconds`."""

    def __init__(self, lb, seconds, threads=8):
        with open(DEV, newline="") as f:
            self.bodies = [json.dumps({"text": row["text"]}).encode() for row in csv.DictReader(f)]
        self.lb = urllib.parse.urlsplit(lb)
        self.seconds = seconds
        self.outcomes = []  # (time, status); status 0: no answer
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)]

    def start(self):
        self.began = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def run(self, index):
        rng = random.Random(index)
        connection = None
        end = self.began + self.seconds
        while time.monotonic() < end:
            if connection is None:
                connection = http.client.HTTPConnection(self.lb.hostname, self.lb.port, timeout=10)
            status = 0
            try:
                connection.request("POST", "/api/v1/classify", rng.choice(self.bodies),
                                   {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = None
            with self.lock:
                self.outcomes.append((time.monotonic() - self.began, status))

    def finish(self):
        for t in self.threads:
            t.join()
        failed = [(round(t, 2), s) for t, s in self.outcomes if s != 200]
        return {"requests": len(self.outcomes), "failed": len(failed),
                "failedFraction": round(len(failed) / max(1, len(self.outcomes)), 5),
                "failedStatuses": sorted({s for _, s in failed}), "requestsPerSecond": round(len(self.outcomes) / self.seconds, 1)}


class Readiness:
    """Polls every replica's readiness twice a second and remembers any answer that was not 200."""

    def __init__(self, replicas):
        self.replicas = replicas
        self.not_ready = {r: 0 for r in replicas}
        self.polls = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def run(self):
        while not self.stopped.is_set():
            for node in self.replicas:
                status, _, _ = request("GET", url(node) + "/actuator/health/readiness", timeout=3)
                if status != 200:
                    self.not_ready[node] += 1
            self.polls += 1
            self.stopped.wait(0.5)

    def finish(self):
        self.stopped.set()
        self.thread.join()
        return {"polls": self.polls, "notReadyAnswers": self.not_ready}


def serving(node):
    """(loaded, desired) version of a node, from its health details; (None, None) when it does not answer."""
    status, _, body = request("GET", url(node) + "/actuator/health", timeout=5)
    if not isinstance(body, dict):
        return None, None
    details = body.get("components", {}).get("activeModel", {}).get("details", {})
    return details.get("loadedVersion"), details.get("desiredVersion")


def converged(nodes, version=None):
    seen = [serving(n) for n in nodes]
    return all(l is not None and l == d and (version is None or l == version) for l, d in seen)


def psql(sql):
    port = re.search(r":(\d+)/", CLUSTER_INFO["postgres"]).group(1)
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "sentiment", "-qtA",
                           "-c", sql], check=True, stdout=subprocess.PIPE, text=True).stdout.strip()


def pointer():
    model, generation = psql("SELECT model_id, generation FROM active_model").split("|")
    return model, int(generation)


def versions():
    status, _, body = request("GET", CLUSTER_INFO["lb"] + "/api/v1/models")
    if status != 200:
        raise RuntimeError(f"listing the versions answered {status}: {body}")
    return [v["id"] for v in body]


def submit(rows, config):
    """Starts a job on the first `rows` rows of the training data; returns its id."""
    path = os.path.join(DIR, f"job-{rows}.csv")
    if not os.path.exists(path):
        with open(DATA, newline="") as f, open(path, "w", newline="") as out:
            for i, line in enumerate(f):
                if i > rows:
                    break
                out.write(line)
    answer = subprocess.run(["curl", "-s", "-F", f"data=@{path}", "-F", "config=" + json.dumps(config),
                             CLUSTER_INFO["lb"] + "/api/v1/training-jobs"], stdout=subprocess.PIPE, text=True, check=True)
    body = json.loads(answer.stdout)
    if "id" not in body:
        raise RuntimeError(f"the job was refused: {body}")
    return body["id"]


def job(job_id):
    status, _, body = request("GET", f"{CLUSTER_INFO['lb']}/api/v1/training-jobs/{job_id}")
    return body if status == 200 else None


def wait_job(job_id, states, seconds):
    return wait_until(lambda: (j := job(job_id)) is not None and j["state"] in states and j, seconds, 0.5)


def worker_node(worker_url):
    for node in ("worker1", "worker2"):
        if url(node) == worker_url:
            return node
    raise RuntimeError(f"no worker at {worker_url}")


def report(case, passed, **figures):
    line = {"case": case, "passed": bool(passed), **figures}
    results.append(line)
    print(json.dumps(line), flush=True)


def restart(node):
    cluster("start", node)
    cluster("wait", node)


def balanced(count=2):
    stats = CLUSTER_INFO["stats"] + ";csv"
    def up():
        status, _, body = request("GET", stats)
        return status == 200 and sum(1 for line in body.splitlines()
                                     if line.startswith("serving,replica") and ",UP," in line) >= count
    return wait_until(up, 30, 0.5)


# --- 1. serving replicas --------------------------------------------------------------------------------------

def kill_replica_under_load():
    load = Load(CLUSTER_INFO["lb"], 12).start()
    time.sleep(4)
    victim = pid("replica1")
    os.kill(victim, signal.SIGKILL)
    figures = load.finish()
    wait_until(lambda: not alive(victim), 10)
    restart("replica1")
    balanced()
    # the requests in flight on the killed replica, at most, fail: about 1% of 12 s of load or less
    report("kill-9-serving-replica", figures["failedFraction"] <= 0.01, **figures)


def sigterm_replica_under_load():
    load = Load(CLUSTER_INFO["lb"], 12).start()
    time.sleep(4)
    began = time.monotonic()
    cluster("stop", "replica2")  # SIGTERM, returns once the process is gone
    drained = round(time.monotonic() - began, 1)
    figures = load.finish()
    restart("replica2")
    balanced()
    report("sigterm-serving-replica", figures["failed"] == 0, secondsToExit=drained, **figures)


# --- 2. training workers --------------------------------------------------------------------------------------

def long_job(name):
    # a few minutes of CPU on one worker: long enough to act on it while it runs
    return submit(20000, {"name": name, "preset": "none", "epochs": 3, "activate": False, "earlyStoppingPatience": 5})


def running_long_job(name):
    """Starts a long job and waits until it has trained a little: (job id, its worker's URL, that node)."""
    job_id = long_job(name)
    running = wait_until(lambda: (j := job(job_id)) and j["state"] == "RUNNING" and j["progress"]["percent"] > 5 and j,
                         180, 0.5)
    return job_id, running["worker"], worker_node(running["worker"])


def kill_worker_running_a_job():
    before = set(versions())
    job_id, first, node = running_long_job("chaos-kill-worker")
    victim = pid(node)
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    taken = wait_until(lambda: (j := job(job_id)) and j["attempts"] >= 2 and j["state"] == "RUNNING" and j, LEASE + 30, 0.5)
    takeover = round(time.monotonic() - killed_at, 1) if taken else None
    restart(node)  # the killed worker comes back while the other one trains its job
    done = wait_job(job_id, {"SUCCEEDED", "FAILED", "CANCELLED"}, 600)
    time.sleep(LEASE)  # room for a wrong second publication to show
    new = sorted(set(versions()) - before)
    final = job(job_id)
    report("kill-9-training-worker", bool(done) and final["state"] == "SUCCEEDED" and len(new) == 1
           and final["modelId"] == new[0] and final["worker"] != first and takeover is not None,
           leaseSeconds=LEASE, secondsToTakeOver=takeover, state=final["state"], attempts=final["attempts"],
           firstWorker=first, finalWorker=final["worker"], newVersions=len(new))
    return new[0] if new else None


def paused_worker_cannot_publish():
    before = set(versions())
    job_id, first, node = running_long_job("chaos-pause-worker")
    os.kill(pid(node), signal.SIGSTOP)
    taken = wait_until(lambda: (j := job(job_id)) and j["attempts"] >= 2 and j, LEASE + 30, 0.5)
    os.kill(pid(node), signal.SIGCONT)  # it wakes up believing it still holds the job
    done = wait_job(job_id, {"SUCCEEDED", "FAILED", "CANCELLED"}, 600)
    time.sleep(LEASE)
    new = sorted(set(versions()) - before)
    final = job(job_id)
    with open(os.path.join(DIR, f"{node}.log")) as f:
        lost = sum(1 for line in f if job_id in line and "lost" in line and "lease" in line)
    report("paused-worker-cannot-publish", bool(taken) and final["state"] == "SUCCEEDED" and len(new) == 1
           and final["worker"] != first, state=final["state"], attempts=final["attempts"], newVersions=len(new),
           pausedWorkerLogsLostLease=lost)


# --- 3. the object store --------------------------------------------------------------------------------------

def s3_stopped(switch_to):
    s3 = CLUSTER_INFO["pids"]["s3proxy"]
    replicas = ["replica1", "replica2"]
    before = set(versions())
    job_id = submit(3000, {"name": "chaos-s3", "preset": "none", "epochs": 2, "activate": False})
    wait_until(lambda: (j := job(job_id)) and j["state"] == "RUNNING" and j, 60, 0.2)
    load = Load(CLUSTER_INFO["lb"], 26).start()
    ready = Readiness(replicas).start()
    time.sleep(2)
    os.kill(s3, signal.SIGSTOP)
    stopped_at = time.monotonic()
    # another node activates a version meanwhile (a worker's publication, made here in the database itself)
    psql(f"WITH moved AS (UPDATE active_model SET model_id = '{switch_to}', generation = generation + 1 "
         f"RETURNING generation) SELECT pg_notify('sentiment_active_model', generation::text) FROM moved")
    succeeded_while_stopped = False
    while time.monotonic() - stopped_at < 20:
        j = job(job_id)
        succeeded_while_stopped |= bool(j) and j["state"] == "SUCCEEDED"
        time.sleep(0.5)
    loaded_while_stopped = [serving(n)[0] for n in replicas]
    os.kill(s3, signal.SIGCONT)
    resumed = time.monotonic()
    figures = load.finish()
    readiness = ready.finish()
    switched = wait_until(lambda: converged(replicas, switch_to), 120, 0.5)
    switch_seconds = round(time.monotonic() - resumed, 1) if switched else None
    done = wait_job(job_id, {"SUCCEEDED", "FAILED", "CANCELLED"}, 180)
    final = job(job_id)
    stored = final.get("modelId") and request("GET", f"{CLUSTER_INFO['lb']}/api/v1/models/{final['modelId']}")[2]
    report("s3proxy-stopped-20s", figures["failed"] == 0 and all(v == 0 for v in readiness["notReadyAnswers"].values())
           and bool(switched) and not succeeded_while_stopped and bool(done) and final["state"] == "SUCCEEDED"
           and isinstance(stored, dict) and stored.get("usable", True),
           **figures, readiness=readiness, servedWhileStopped=loaded_while_stopped,
           secondsToSwitchAfterResume=switch_seconds, jobSucceededWhileStopped=succeeded_while_stopped,
           jobState=final["state"], newVersions=len(set(versions()) - before))
    return final.get("modelId")


# --- 4. the database ------------------------------------------------------------------------------------------

def postgres_restarted():
    job_id, _, _ = running_long_job("chaos-postgres")
    load = Load(CLUSTER_INFO["lb"], 20).start()
    time.sleep(3)
    pg = os.path.join(DIR, "postgres")
    subprocess.run([os.path.join(ROOT, "scripts", "test-servers", "postgres.sh"), "down", pg], check=True)
    down_at = time.monotonic()
    status, headers, body = request("GET", CLUSTER_INFO["lb"] + "/api/v1/training-jobs")
    while_down = {"status": status, "contentType": headers.get("content-type"),
                  "type": body.get("type") if isinstance(body, dict) else None}
    time.sleep(5)
    subprocess.run([os.path.join(ROOT, "scripts", "test-servers", "postgres.sh"), "up", pg], check=True)
    recovered = wait_until(lambda: request("GET", CLUSTER_INFO["lb"] + "/api/v1/training-jobs")[0] == 200, 60, 0.25)
    recovery = round(time.monotonic() - down_at, 1) if recovered else None
    figures = load.finish()
    done = wait_job(job_id, {"SUCCEEDED", "FAILED", "CANCELLED"}, 600)
    final = job(job_id)
    report("postgres-restarted", figures["failed"] == 0 and while_down["status"] == 503
           and (while_down["contentType"] or "").startswith("application/problem+json") and bool(recovered)
           and bool(done) and final["state"] == "SUCCEEDED" and final["attempts"] == 1,
           **figures, jobApiWhileDown=while_down, secondsUntilJobApiAnswers=recovery, jobState=final["state"],
           attempts=final["attempts"])


# --- 5. activations -------------------------------------------------------------------------------------------

def racing_activations(candidates):
    replicas = ["replica1", "replica2"]
    trials = []
    for trial in range(4):
        current, _ = pointer()
        a, b = [v for v in candidates if v != current][:2]
        barrier = threading.Barrier(2)
        answers = {}

        def activate(node, version):
            barrier.wait()
            answers[node] = request("PUT", url(node) + "/api/v1/models/active", {"modelId": version}, timeout=60)[0]

        threads = [threading.Thread(target=activate, args=("replica1", a)),
                   threading.Thread(target=activate, args=("replica2", b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        final, _ = pointer()
        agreed = wait_until(lambda: converged(replicas, final), 60, 0.5)
        winners = [n for n, s in answers.items() if s == 200]
        trials.append({"answers": answers, "active": final, "replicasAgree": bool(agreed),
                       "winnerIsActive": len(winners) != 1 or final == (a if winners[0] == "replica1" else b)})
    raced = sum(1 for t in trials if sorted(t["answers"].values()) == [200, 409])
    report("racing-activations", all(t["replicasAgree"] and t["winnerIsActive"] and
                                     all(s in (200, 409) for s in t["answers"].values()) for t in trials)
           and raced >= 1, trials=len(trials), oneWonOneRefused=raced,
           bothAppliedOneAfterTheOther=sum(1 for t in trials if list(t["answers"].values()) == [200, 200]),
           details=trials)


def checksum_mismatch(version):
    """Flips bytes in the middle of the version's model file in S3Proxy's own directory, then activates it."""
    replicas = ["replica1", "replica2"]
    folder = os.path.join(DIR, "s3proxy", "data", "sentiment", version)
    model = next(os.path.join(folder, f) for f in os.listdir(folder) if f.startswith("model.zip"))
    with open(model, "r+b") as f:
        f.seek(os.path.getsize(model) // 2)
        chunk = f.read(64)
        f.seek(os.path.getsize(model) // 2)
        f.write(bytes(b ^ 0xFF for b in chunk))
    before, generation = pointer()
    status, _, body = request("PUT", url("replica1") + "/api/v1/models/active", {"modelId": version}, timeout=60)
    after, generation_after = pointer()
    classified = [request("POST", url(n) + "/api/v1/classify", {"text": "a fine film"})[1].get("x-model-version")
                  for n in replicas]
    report("checksum-mismatch-refused", 400 <= status < 500 and after == before and generation_after == generation
           and all(v == before for v in classified), status=status,
           detail=body.get("detail") if isinstance(body, dict) else body, stillServing=classified)


# --- 6. a replica joining -------------------------------------------------------------------------------------

def replica_started_mid_switch(switch_to):
    cluster("stop", "replica2")
    cluster("start", "replica2")
    time.sleep(3)  # the JVM is starting: it has not read the pointer yet, or has just read it
    status = request("PUT", url("replica1") + "/api/v1/models/active", {"modelId": switch_to}, timeout=60)[0]
    cluster("wait", "replica2")
    at_ready = serving("replica2")
    agreed = wait_until(lambda: converged(["replica1", "replica2"], switch_to), 20, 0.5)
    balanced()
    report("replica-started-mid-switch", status == 200 and bool(agreed), activationStatus=status,
           atReadiness={"loaded": at_ready[0], "desired": at_ready[1]}, active=switch_to, converged=bool(agreed))


# --- rollout ------------------------------------------------------------------------------------------------

def canary_sides(node, keys):
    """The version that answers each client key on one replica (None where it did not answer 200)."""
    sides = {}
    for key in keys:
        status, _, body = request("POST", url(node) + "/api/v1/classify", {"text": "a film"},
                                  headers={"X-Client-Key": key})
        sides[key] = body.get("modelId") if status == 200 and isinstance(body, dict) else None
    return sides


def canary_state(node):
    status, _, body = request("GET", url(node) + "/api/v1/models/canary", timeout=5)
    return body["canary"]["state"] if status == 200 and isinstance(body, dict) else None


def canary_survives_killed_replicas(candidate):
    """A canary's split and its decision are stored: a replica killed and started again applies both."""
    keys = [f"client-{i}" for i in range(60)]
    # guards that cannot be judged (an unreachable minimum sample): only this scenario ends the canary
    status, _, body = request("PUT", CLUSTER_INFO["lb"] + "/api/v1/models/canary",
                              {"modelId": candidate, "percent": 30, "guards": {"minSample": 100000}})
    if status != 200:
        raise RuntimeError(f"starting the canary answered {status}: {body}")
    time.sleep(2)  # every replica polls the state every second
    before = canary_sides("replica2", keys)
    alike = canary_sides("replica1", keys) == before
    victim = pid("replica1")
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: not alive(victim), 10)
    restart("replica1")
    balanced()
    kept_split = wait_until(lambda: canary_state("replica1") == "RUNNING", 30) and canary_sides("replica1", keys) == before
    # the decision: end the canary on replica1 while replica2 is down; replica2 comes back and obeys it
    victim = pid("replica2")
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: not alive(victim), 10)
    ended = request("DELETE", url("replica1") + "/api/v1/models/canary")[0] == 200
    restart("replica2")
    balanced()
    obeyed = wait_until(lambda: canary_state("replica2") == "ENDED", 30)
    after = canary_sides("replica2", keys)
    to_canary = sum(1 for v in before.values() if v == candidate)
    report("canary-survives-killed-replicas", alike and kept_split and ended and obeyed
           and 0 < to_canary < len(keys) and all(v != candidate for v in after.values()),
           clients=len(keys), clientsOnCanary=to_canary, replicasSplitAlike=alike, splitKeptAfterKill=bool(kept_split),
           endedWhileAReplicaWasDown=ended, restartedReplicaObeysTheDecision=bool(obeyed))


def main():
    global CLUSTER_INFO
    log(f"bringing up a cluster in {DIR} (lease {LEASE} s)")
    CLUSTER_INFO = json.loads(cluster("up").splitlines()[-1])
    try:
        bundled, _ = pointer()
        scenarios = [kill_replica_under_load, sigterm_replica_under_load]
        for scenario in scenarios:
            log(scenario.__name__)
            scenario()
        log("kill_worker_running_a_job")
        trained = kill_worker_running_a_job()
        log("paused_worker_cannot_publish")
        paused_worker_cannot_publish()
        log("s3_stopped")
        published = s3_stopped(trained)
        log("postgres_restarted")
        postgres_restarted()
        log("racing_activations")
        racing_activations([v for v in versions() if v != published])
        log("checksum_mismatch")
        checksum_mismatch(published)
        log("replica_started_mid_switch")
        current, _ = pointer()
        replica_started_mid_switch(bundled if current != bundled else trained)
        log("canary_survives_killed_replicas")
        current, _ = pointer()
        canary_survives_killed_replicas(next(v for v in versions() if v != current))
    except Exception as e:  # a scenario that cannot run is a failure of its own, not a silent stop
        report("error", False, error=f"{type(e).__name__}: {e}")
    finally:
        if os.environ.get("KEEP_CLUSTER") != "1":
            cluster("down", check=False)
    passed = sum(1 for r in results if r["passed"])
    print(json.dumps({"case": "cluster-chaos", "passed": passed, "failed": len(results) - passed,
                      "scenarios": [r["case"] for r in results]}), flush=True)
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
