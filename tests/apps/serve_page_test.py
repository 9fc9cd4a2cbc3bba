#!/usr/bin/env python3
"""The page at / in a real browser: Debian's headless Chromium, driven through chromedriver's
W3C WebDriver protocol (plain HTTP on 127.0.0.1; no Python package needed). It pastes a context,
asks a question, and checks that the answer shown and the <mark> highlighted in the passage are
the server's answer: the same text as POST /v1/qa returns, at its code-point offsets. Writes a
screenshot (PNG) to the path given.

Usage: serve_page_test.py FRUGAL MODEL_DIR VOCAB WORKDIR SCREENSHOT.png
(MODEL_DIR "tiny": a tiny random BERT QA model made in WORKDIR.)
"""
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

frugal, model, vocab, work, screenshot = (a if a == "tiny" else os.path.abspath(a) for a in sys.argv[1:6])
os.makedirs(work, exist_ok=True)
os.chdir(work)
for browser in ["/usr/bin/chromium", shutil.which("chromium") or ""]:
    if os.path.exists(browser):
        break
driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not os.path.exists(browser) or not os.path.exists(driver_path):
    raise SystemExit("needs Debian's chromium and chromium-driver (scripts/setup.sh installs them)")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(port, method, path, body=None, timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=None if body is None else json.dumps(body), headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = json.loads(r.read() or b"null")
    c.close()
    return r.status, data


def wait_until(what, predicate, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


if model == "tiny":
    with open("tiny.json", "w") as f:
        json.dump({"vocab_size": 30522, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                   "intermediate_size": 64, "max_position_embeddings": 512}, f)
    shutil.rmtree("tiny", ignore_errors=True)
    subprocess.run([frugal, "--no-progress", "model", "init", "--arch", "bert", "--head", "qa", "--model-config", "tiny.json",
                    "--seed", "5", "--out", "tiny"], check=True, stdout=subprocess.DEVNULL)
    model = os.path.abspath("tiny")
if os.path.exists("port"):
    os.remove("port")
server = subprocess.Popen([frugal, "--no-progress", "serve", "--model", model, "--tokenizer", vocab, "--task", "qa", "--port", "0",
                           "--port-file", "port", "--max-length", "128", "--stride", "48", "--access-log", "access.jsonl"],
                          stdout=subprocess.DEVNULL, stderr=open("server.stderr", "w"))
driver_port = free_port()
driver = subprocess.Popen([driver_path, f"--port={driver_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
session = None
try:
    port = int(wait_until("the server's port", lambda: open("port").read().strip()))
    wait_until("the model", lambda: call(port, "GET", "/health")[0] == 200)
    wait_until("chromedriver", lambda: call(driver_port, "GET", "/status")[1]["value"]["ready"])
    status, created = call(driver_port, "POST", "/session", {"capabilities": {"alwaysMatch": {
        "browserName": "chrome", "goog:chromeOptions": {"binary": browser, "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,900",
            "--no-first-run", "--disable-extensions", f"--user-data-dir={os.path.abspath('profile')}"]}}}})
    if status != 200:
        raise SystemExit(f"chromedriver could not start chromium: {created}")
    session = created["value"]["sessionId"]

    def webdriver(method, path, body=None):
        status, data = call(driver_port, method, f"/session/{session}{path}", body)
        if status != 200:
            raise SystemExit(f"webdriver {method} {path}: {data}")
        return data["value"]

    def element(css):
        found = webdriver("POST", "/element", {"using": "css selector", "value": css})
        return found["element-6066-11e4-a52e-4f735466cecf"]  # the W3C element reference key

    def text_of(css):
        return webdriver("GET", f"/element/{element(css)}/text")

    def run_js(script):
        return webdriver("POST", "/execute/sync", {"script": script, "args": []})

    context = ("Frugal is a C++17 toolkit that trains models from little labelled data. It was written in Zürich "
               "and in Lyon, and its server answers questions about a passage such as this one. The café beside "
               "the lab opens at eight o'clock, and the toolkit's first release came out in December 2026.")
    question = "When did the first release come out?"
    webdriver("POST", "/url", {"url": f"http://127.0.0.1:{port}/"})
    wait_until("the page to show the QA form", lambda: run_js("return !document.getElementById('qa').hidden"))
    field = element("#context")
    webdriver("POST", f"/element/{field}/clear", {})
    webdriver("POST", f"/element/{field}/value", {"text": context})
    webdriver("POST", f"/element/{element('#question')}/value", {"text": question})
    webdriver("POST", f"/element/{element('#ask')}/click", {})
    wait_until("an answer", lambda: run_js("return !document.getElementById('qa-result').hidden"), 30)

    _, served = call(port, "POST", "/v1/qa", {"question": question, "context": context})
    shown = text_of("#answer-text")
    score = text_of("#answer-score")
    want_highlight = "".join(list(context)[served["start"]:served["end"]])
    highlighted = text_of("#highlight") if served["end"] > served["start"] else ""
    model_info = text_of("#model-info")
    png = base64.b64decode(webdriver("GET", "/screenshot"))
    with open(screenshot + ".tmp", "wb") as f:
        f.write(png)
    os.replace(screenshot + ".tmp", screenshot)
    failures = []
    if shown != (served["answer"] or "(no answer)"):
        failures.append(f"answer shown {shown!r}, served {served['answer']!r}")
    if highlighted != want_highlight or want_highlight != served["answer"]:
        failures.append(f"highlight {highlighted!r}, context[{served['start']}:{served['end']}] = {want_highlight!r}")
    if abs(float(score) - served["score"]) > 5e-5:
        failures.append(f"score shown {score}, served {served['score']}")
    if "BertForQuestionAnswering" not in model_info:
        failures.append(f"model info: {model_info!r}")
    if not png.startswith(b"\x89PNG"):
        failures.append("the screenshot is not a PNG")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: Chromium asked {question!r}; it shows and highlights {shown!r} (score {score}), as POST /v1/qa answers; "
              f"screenshot {screenshot} ({len(png)} bytes)")
    sys.exit(1 if failures else 0)
finally:
    if session:
        try:
            call(driver_port, "DELETE", f"/session/{session}", timeout=10)
        except OSError:
            pass
    driver.terminate()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    try:
        driver.wait(timeout=10)
    except subprocess.TimeoutExpired:
        driver.kill()
