#!/usr/bin/env python3
"""frugal serve end to end, on 127.0.0.1 only, every loop bounded in count and time.

A tiny random BERT QA model answers SQuAD questions (long contexts: many windows) from many
concurrent connections; every answer must equal `frugal qa predict`'s n-best head exactly
(text, probability, character offsets), however it was batched. Then: /health is 503 until the
model is loaded, malformed / oversized / mistyped bodies get their 4xx and JSON error, slow and
vanishing clients are dropped, nothing answers 5xx, 429 over --max-concurrent-requests, a
timed-out request frees its slot, SIGTERM finishes the request in flight and exits 0, and the
access log holds one JSON line per request and no request text.

Usage: serve_test.py FRUGAL VOCAB SQUAD_JSON WORKDIR
"""
import concurrent.futures
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

frugal, vocab, squad, work = (os.path.abspath(a) for a in sys.argv[1:5])
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
os.chdir(work)
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures.append(what)


def run(*args):
    subprocess.run([frugal, "--no-progress", "--threads", "1", *args], check=True, stdout=subprocess.DEVNULL)


WINDOWS = ["--max-length", "128", "--stride", "48"]

# A tiny model, random weights: the test is about arithmetic and plumbing, not accuracy.
with open("tiny.json", "w") as f:
    json.dump({"vocab_size": 30522, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
               "intermediate_size": 64, "max_position_embeddings": 512}, f)
run("model", "init", "--arch", "bert", "--head", "qa", "--model-config", "tiny.json", "--seed", "5", "--out", "qa")

# 40 SQuAD questions over several articles, plus one with non-ASCII text (offsets in code points).
data = json.load(open(squad))
questions = []
for article in data["data"][:8]:
    for paragraph in article["paragraphs"][:2]:
        for qa in paragraph["qas"][:3]:
            questions.append({"id": qa["id"], "question": qa["question"], "context": paragraph["context"]})
questions = questions[:40]
questions.append({"id": "unicode", "question": "Wo liegt das Café?",
                  "context": "Das Café Zürich liegt am Seeufer — gegenüber dem Bahnhof (東京駅 ist weit weg). " * 12})
slice_ = {"version": "1.1", "data": [{"title": "t", "paragraphs": [
    {"context": q["context"], "qas": [{"id": q["id"], "question": q["question"], "answers": []}]} for q in questions]}]}
json.dump(slice_, open("slice.json", "w"))
run("qa", "predict", "--model", "qa", "--tokenizer", vocab, "--data", "slice.json", "--out", "preds.json",
    "--nbest", "nbest.json", *WINDOWS)
nbest = json.load(open("nbest.json"))


class Server:
    def __init__(self, name, *flags, gate=None, model="qa", task="qa"):
        self.port_file = f"{name}.port"
        self.log = f"{name}.access.jsonl"
        env = dict(os.environ)
        if gate:
            env["FRUGAL_SERVE_TEST_LOAD_GATE"] = gate
        self.stderr = open(f"{name}.stderr", "w")
        self.proc = subprocess.Popen([frugal, "--no-progress", "serve", "--model", model, "--tokenizer", vocab, "--task", task,
                                      "--port", "0", "--port-file", self.port_file, "--access-log", self.log, *WINDOWS, *flags],
                                     env=env, stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.time() + 60
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise SystemExit(f"{name}: no port file (exit {self.proc.poll()})")
            time.sleep(0.01)
        self.port = int(open(self.port_file).read())

    def request(self, method, path, body=None, headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Content-Type": "application/json"} if body is not None else {}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def post(self, path, obj, **kw):
        status, data = self.request("POST", path, json.dumps(obj).encode(), **kw)
        return status, json.loads(data)

    def wait_ready(self):
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.request("GET", "/health")[0] == 200:
                return
            time.sleep(0.02)
        raise SystemExit("the server never became ready")

    def metric(self, name):
        text = self.request("GET", "/metrics")[1].decode()
        m = re.search(r"^" + re.escape(name) + r" (\S+)$", text, re.M)
        return float(m.group(1)) if m else None

    def metrics_text(self):
        return self.request("GET", "/metrics")[1].decode()

    def stop(self, timeout=30):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return "hung"


def same_answer(got, want):
    return got["answer"] == want["text"] and got["score"] == want["probability"] and \
        got["start"] == want["start"] and got["end"] == want["end"]


# --- Server A: batching, 2 workers ----------------------------------------------------------
a = Server("a", "--workers", "2", "--max-batch-size", "0", "--payload-limit", "1000000", "--read-timeout", "1", "--max-concurrent-requests", "64",
           gate="a.gate")
status, body = a.request("GET", "/health")
check(status == 503 and json.loads(body)["error_type"] == "unhealthy", f"/health is 503 before the model is loaded ({status})")
status, body = a.post("/v1/qa", {"question": "q", "context": "c"})
check(status == 503, f"/v1/qa is 503 before the model is loaded ({status})")
open("a.gate", "w").close()
a.wait_ready()
five_before_ready = [l for l in a.metrics_text().splitlines() if re.match(r'frugal_request_count\{route="/v1.*status="5', l)]
status, body = a.request("GET", "/info")
info = json.loads(body)
check(status == 200 and info["task"] == "qa" and info["precision"] == "fp32" and info["max_length"] == 128 and "version" in info,
      f"/info: {info}")
check(info["max_batch_size"] != 1 and "not batch-invariant" not in open("a.stderr").read(),
      "the start-up probe found the forward batch-invariant (batching is on)")
status, page = a.request("GET", "/")
check(status == 200 and b'id="context"' in page and b"://" not in page,
      "/ serves the page, no external resources")

# Many connections at once: single questions (twice each), lists of three, top_k lists.
jobs = [("one", [q]) for q in questions] * 2
shuffled = questions[:]
random.Random(7).shuffle(shuffled)
jobs += [("list", shuffled[i:i + 3]) for i in range(0, len(shuffled), 3)]
jobs += [("top3", [q]) for q in questions[:10]]
random.Random(8).shuffle(jobs)


def ask(job):
    kind, qs = job
    if kind == "one":
        status, got = a.post("/v1/qa", {"question": qs[0]["question"], "context": qs[0]["context"]})
        return status, [(qs[0]["id"], got)]
    if kind == "top3":
        status, got = a.post("/v1/qa", {"inputs": {"question": qs[0]["question"], "context": qs[0]["context"]}, "top_k": 3})
        return status, [(qs[0]["id"], got)]
    status, got = a.post("/v1/qa", {"inputs": [{"question": q["question"], "context": q["context"]} for q in qs]})
    return status, list(zip([q["id"] for q in qs], got if isinstance(got, list) else [got]))


mismatches, answered = [], 0
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    for status, pairs in pool.map(ask, jobs):
        if status != 200:
            mismatches.append(f"status {status}: {pairs}")
            continue
        for qid, got in pairs:
            answered += 1
            want = nbest[qid]
            if isinstance(got, list):
                ok = len(got) == min(3, len(want)) and all(same_answer(g, w) for g, w in zip(got, want))
            else:
                ok = same_answer(got, want[0])
            if not ok:
                mismatches.append(f"{qid}: served {got}, qa predict {want[:3]}")
check(not mismatches, f"{answered} answers from 16 concurrent connections equal qa predict's exactly"
      + ("" if not mismatches else f"; {len(mismatches)} differ, e.g. {mismatches[0]}"))
text = a.metrics_text()
batch_sum = float(re.search(r"^frugal_batch_size_sum (\S+)$", text, re.M).group(1))
batch_count = float(re.search(r"^frugal_batch_size_count (\S+)$", text, re.M).group(1))
check(batch_count > 0 and batch_sum > batch_count, f"rows were batched: {batch_sum:.0f} rows in {batch_count:.0f} forwards")
for name in ["frugal_queue_duration_seconds_count", "frugal_tokenization_duration_seconds_count",
             "frugal_inference_duration_seconds_count", "frugal_queue_size"]:
    check(re.search(r"^" + name + r" ", text, re.M) is not None, f"/metrics has {name}")

# Bad bodies: the right 4xx and TEI's JSON error.
word_context = "word " * 9000
bad = [
    ("malformed JSON", b'{"question": ', 400),
    ("empty body", b"", 400),
    ("wrong type", b'{"question": 1, "context": "x"}', 422),
    ("missing field", b'{"question": "x"}', 422),
    ("list of numbers", b'{"inputs": [1, 2]}', 422),
    ("invalid UTF-8", b'{"question": "caf\xc3", "context": "x"}', 400),
    ("lone surrogate", b'{"question": "\\ud800", "context": "x"}', 400),
    ("deep nesting", b"[" * 500000, 400),
    ("body over the payload limit", b'{"question": "q", "context": "' + b"x" * 1200000 + b'"}', 413),
    ("10,000 inputs", json.dumps({"inputs": [{"question": "a", "context": "b"}] * 10000}).encode(), 422),
    ("too many tokens", json.dumps({"question": "a", "context": word_context}).encode(), 422),
    ("top_k zero", b'{"question": "a", "context": "b", "top_k": 0}', 422),
]
for what, body, want in bad:
    status, data = a.request("POST", "/v1/qa", body)
    try:
        parsed = json.loads(data)
        shaped = set(parsed) == {"error", "error_type"}
    except ValueError:
        shaped = False
    check(status == want and shaped, f"{what}: {status} (want {want}) {data[:100]!r}")
status, data = a.request("GET", "/no/such/route")
check(status == 404 and "error" in json.loads(data), f"unknown route: {status}")


def raw(payload, close_after_send=False, wait=5.0):
    """Sends bytes on a fresh connection; returns what came back before the server closed it."""
    s = socket.create_connection(("127.0.0.1", a.port), timeout=wait)
    s.sendall(payload)
    if close_after_send:
        s.close()
        return None
    chunks, deadline = [], time.time() + wait
    try:
        while time.time() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):  # an answer (status line and headers) counts as handled
                return b"".join(chunks)
    except socket.timeout:
        return b"TIMEOUT"
    finally:
        s.close()
    return b"TIMEOUT"


head = f"POST /v1/qa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n".encode()
got = raw(head + b'{"question": "slow', wait=6)  # then silence past --read-timeout 1
check(got != b"TIMEOUT" and not got.startswith(b"HTTP/1.1 2") and not got.startswith(b"HTTP/1.1 5"),
      f"a client that stops mid-body is dropped: {got[:40]!r}")
got = raw(b"POST /v1/qa HTTP/1.1\r\nHost: 127.0.0.1\r\n", wait=6)  # headers never finished
check(got != b"TIMEOUT" and not got.startswith(b"HTTP/1.1 5"), f"a client that stops mid-headers is dropped: {got[:40]!r}")
got = raw(b"\x00\xff\xfe garbage \r\n\r\n")
check(got != b"TIMEOUT" and not got.startswith(b"HTTP/1.1 5"), f"a garbage request line: {got[:40]!r}")
long_body = json.dumps({"question": "What is it?", "context": "word " * 6000}).encode()
long_request = (f"POST /v1/qa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(long_body)}\r\n\r\n").encode() + long_body
for _ in range(20):
    raw(head + b'{"question": "gone', close_after_send=True)  # dropped mid-body
for _ in range(5):
    raw(long_request, close_after_send=True)  # dropped while its 100+ windows wait for inference
deadline = time.time() + 30
while time.time() < deadline and (a.metric("frugal_requests_in_flight") or a.metric("frugal_queue_size")):
    time.sleep(0.05)
check(a.metric("frugal_requests_in_flight") == 0 and a.metric("frugal_queue_size") == 0,
      "abandoned requests free their slots and rows")
status, got = a.post("/v1/qa", {"question": questions[0]["question"], "context": questions[0]["context"]})
check(status == 200 and same_answer(got, nbest[questions[0]["id"]][0]), "the server still answers exactly after the faults")
a.post("/v1/qa", {"question": "zebraquark?", "context": "nothing to see"})
text = a.metrics_text()
five = [l for l in text.splitlines() if re.match(r'frugal_request_count\{route="(?!/health).*status="5', l)]
check(five == five_before_ready, f"no 5xx after the model was loaded: {five} (before: {five_before_ready})")
check(a.stop() == 0, "server A exits 0 on SIGTERM")
log_lines = [json.loads(l) for l in open(a.log)]
check(all({"time", "method", "path", "status", "ms"} <= set(l) for l in log_lines) and len(log_lines) > len(jobs),
      f"access log: {len(log_lines)} JSON lines")
check(not any("zebraquark" in json.dumps(l) for l in log_lines), "no request text in the access log without --log-requests")
check(sum(1 for l in log_lines if l["status"] >= 500 and not (l["status"] == 503 and l.get("error", "").startswith("the model is not"))) == 0,
      "no 5xx in the access log")

# --- Server B: one slot, one worker: 429, and SIGTERM with a request in flight ---------------
b = Server("b", "--workers", "1", "--max-concurrent-requests", "1")  # --max-batch-size auto
b.wait_ready()
status, body = b.request("GET", "/info")
check(status == 200 and json.loads(body)["max_batch_size"] == 1,
      "--max-batch-size auto is 1 on CPU (batch-invariant batching is slower there)")
sockets = []
for _ in range(8):
    s = socket.create_connection(("127.0.0.1", b.port), timeout=60)
    sockets.append(s)
for s in sockets:
    s.sendall(long_request.replace(b"127.0.0.1\r\n", b"127.0.0.1\r\nConnection: close\r\n", 1))
statuses = []
for s in sockets:
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    statuses.append(int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0)
check(set(statuses) <= {200, 429} and 429 in statuses and 200 in statuses,
      f"8 long requests at once, --max-concurrent-requests 1: {sorted(statuses)}")
finished = None
for attempt in range(5):  # SIGTERM while a request is in flight (retried if it finished first)
    s = socket.create_connection(("127.0.0.1", b.port), timeout=60)
    s.sendall(long_request)
    deadline = time.time() + 10
    while time.time() < deadline and not b.metric("frugal_requests_in_flight"):
        time.sleep(0.002)
    if b.metric("frugal_requests_in_flight"):
        b.proc.send_signal(signal.SIGTERM)
        data = b""
        while True:  # the server answers, then closes the connection as it stops
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        finished = data[:12]
        break
    s.recv(65536)
    s.close()
check(finished == b"HTTP/1.1 200", f"SIGTERM lets the request in flight finish: {finished!r}")
try:
    code = b.proc.wait(timeout=30)
except subprocess.TimeoutExpired:
    b.proc.kill()
    code = "hung"
check(code == 0, f"server B exits 0 after SIGTERM ({code})")

# --- Server C: a request that times out gets 503 and frees its slot --------------------------
c = Server("c", "--workers", "1", "--max-batch-size", "1", "--request-timeout-ms", "1")
c.wait_ready()
status, got = c.request("POST", "/v1/qa", long_body)
check(status == 503 and json.loads(got)["error_type"] == "timeout", f"a timed-out request: {status} {got[:80]!r}")
deadline = time.time() + 30
while time.time() < deadline and (c.metric("frugal_queue_size") or c.metric("frugal_requests_in_flight")):
    time.sleep(0.05)
check(c.metric("frugal_queue_size") == 0 and c.metric("frugal_requests_in_flight") == 0, "its rows and slot are freed")
check(c.stop() == 0, "server C exits 0")

# --- Server D: a classifier ------------------------------------------------------------------
with open("cls.json", "w") as f:
    json.dump({"vocab_size": 30522, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64,
               "max_position_embeddings": 128, "num_labels": 2, "id2label": {"0": "negative", "1": "positive"},
               "label2id": {"negative": 0, "positive": 1}}, f)
run("model", "init", "--arch", "bert", "--head", "cls", "--model-config", "cls.json", "--seed", "6", "--out", "cls")
sst2 = os.path.join(os.path.dirname(squad), "..", "sst2", "dev.tsv")
lines = open(sst2).read().splitlines()[:41]
open("sst2.tsv", "w").write("\n".join(lines) + "\n")
texts = [l.split("\t")[0] for l in lines[1:]]
subprocess.run([frugal, "--no-progress", "--threads", "1", "classify", "predict", "--model", "cls", "--tokenizer", vocab,
                "--input", "sst2.tsv", "--out", "cls_preds.jsonl"], check=True, stderr=subprocess.DEVNULL)
want_probs = [json.loads(l)["probs"] for l in open("cls_preds.jsonl")]
d = Server("d", "--workers", "2", model="cls", task="classify")
d.wait_ready()
status, info = d.request("GET", "/info")
info = json.loads(info)
check(info["task"] == "classify" and info["labels"] == ["negative", "positive"], f"classify /info: {info.get('labels')}")


def classify(chunk):
    start = chunk
    status, got = d.post("/v1/classify", {"inputs": texts[start:start + 5]})
    return start, status, got


worst, statuses = 0.0, set()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for start, status, got in pool.map(classify, range(0, len(texts), 5)):
        statuses.add(status)
        for i, ranked in enumerate(got if status == 200 else []):
            probs = {r["label"]: r["score"] for r in ranked}
            want = want_probs[start + i]
            worst = max(worst, abs(probs["negative"] - want[0]), abs(probs["positive"] - want[1]))
            if ranked[0]["score"] < ranked[1]["score"]:
                worst = 1.0
# Not bit-identical by construction: classify predict's GEMMs span its fixed-shape batch, the
# server's run sequence by sequence; fp32 rounding differences stay far below 1e-5.
check(statuses == {200} and worst <= 1e-5, f"classify: {len(texts)} texts equal classify predict's probabilities within 1e-5 (max {worst:.2g})")
status, got = d.post("/v1/classify", {"inputs": "good " * 300})
check(status == 422, f"classify: an over-long text without truncate is 422 ({status})")
status, got = d.post("/v1/classify", {"inputs": "good " * 300, "truncate": True})
check(status == 200 and len(got) == 2, f"classify: truncate: true cuts it ({status})")
status, got = d.post("/v1/tokenize", {"inputs": "Hello, Zürich!"})
check(status == 200 and got[0][0]["text"] == "[CLS]" and got[0][0]["special"] and got[0][-1]["text"] == "[SEP]"
      and [t["text"] for t in got[0][1:-1]] == ["hello", ",", "zurich", "!"] and got[0][3]["start"] == 7 and got[0][3]["stop"] == 13,
      f"tokenize: {got}")
check(d.stop() == 0, "server D exits 0")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
