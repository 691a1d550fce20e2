"""``datamill classify`` speed and size against classify.md CL-6, with the physical floor.

Measured in one run, printed as a table with the targets:

- latency: one warm 224×224 JPEG through ``POST /-/classify`` of a real
  ``datamill serve --classifier imagenet`` (one keep-alive connection, p50 and p90 of
  ``--repeat`` requests), beside the same image through ``Classifier.predict`` in process
  (what HTTP adds is the difference) and the floor: Pillow's decode and resize of the same
  JPEG plus the network's multiply-adds at this machine's single-thread sgemm rate (what any
  CPU runtime on one core must at least spend);
- ``classify table`` throughput: ``--images`` 224×224 JPEG files (crops of scikit-image's
  photographs) labelled by the library call and by the whole command (startup included);
- peak RSS (VmHWM) of that ``serve --classifier imagenet`` process after 4 concurrent
  clients have sent ``--repeat`` uploads each;
- the size of a trained model with 10 labels (digits, 20 images per label);
- the installed size of the ``classify`` extra in a fresh venv, and that it brings no torch
  or CUDA package (``--skip-install`` to leave this out: it downloads the packages).

Usage: python bench/classify.py [--images 200] [--repeat 50] [--skip-install]
Targets: p50 <= 30 ms, table >= 40 images/s, extra <= 120 MB without torch/CUDA,
RSS <= 400 MB, model <= 100 KB.
"""

from __future__ import annotations

import argparse
import io
import os
import pathlib
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.client import HTTPConnection

import tomllib

ROOT = pathlib.Path(__file__).resolve().parent
DATA = ROOT / "_data" / "classify"
PYPROJECT = ROOT.parent / "pyproject.toml"
BIN = pathlib.Path(sys.executable).parent


def photos() -> list[pathlib.Path]:
    import skimage.data

    folder = pathlib.Path(skimage.data.__file__).parent
    names = ("chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "astronaut.png")
    return [folder / name for name in names]


def make_jpegs(count: int) -> list[pathlib.Path]:
    """``count`` 224×224 JPEGs: random crops and flips of the photographs (cached)."""
    from PIL import Image, ImageOps

    folder = DATA / "jpegs"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"img{n:05d}.jpg" for n in range(count)]
    if all(path.exists() for path in paths):
        return paths
    rng = random.Random(1)
    sources = [Image.open(path).convert("RGB") for path in photos()]
    for path in paths:
        image = rng.choice(sources)
        side = rng.randint(min(image.size) // 2, min(image.size))
        left = rng.randint(0, image.width - side)
        top = rng.randint(0, image.height - side)
        crop = image.crop((left, top, left + side, top + side)).resize((224, 224))
        if rng.random() < 0.5:
            crop = ImageOps.mirror(crop)
        crop.save(path, quality=90)
    return paths


def network_macs() -> int:
    """Multiply-adds of one EfficientNet-Lite0 forward pass at 224×224."""
    from datamill.classify.network import CLASSES, FEATURES, STAGES, STEM_CHANNELS

    size = 112
    macs = size * size * 27 * STEM_CHANNELS
    channels = STEM_CHANNELS
    for repeats, kernel, stride, expansion, out in STAGES:
        for repeat in range(repeats):
            wide = channels * expansion
            if expansion != 1:
                macs += size * size * channels * wide
            if repeat == 0 and stride == 2:
                size //= 2
            macs += size * size * wide * kernel * kernel + size * size * wide * out
            channels = out
    return macs + size * size * channels * FEATURES + FEATURES * CLASSES


def sgemm_rate() -> float:
    """Single-thread float32 matrix product speed in multiply-adds per second (best of 5)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).random((3136, 256), dtype=np.float32)
    b = np.random.default_rng(1).random((256, 256), dtype=np.float32)
    best = float("inf")
    with threadpool_limits(1, "blas"):
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(10):
                a @ b
            best = min(best, (time.perf_counter() - start) / 10)
    return 3136 * 256 * 256 / best


def latency(repeat: int, jpeg: bytes) -> dict[str, float]:
    from PIL import Image

    from datamill.classify import load_classifier
    from datamill.classify.preprocess import to_input

    classifier = load_classifier()
    for _ in range(5):
        classifier.predict(jpeg)
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        classifier.predict(jpeg)
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    decode = []
    for _ in range(repeat):
        start = time.perf_counter()
        to_input(Image.open(io.BytesIO(jpeg)).convert("RGB"))
        decode.append(time.perf_counter() - start)
    times.sort()
    return {
        "p50": times[len(times) // 2],
        "p90": times[int(len(times) * 0.9)],
        "cpu": statistics.median(cpu),
        "decode": statistics.median(decode),
    }


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def table_throughput(paths: list[pathlib.Path]) -> dict[str, float]:
    from datamill import Database
    from datamill.classify import load_classifier
    from datamill.classify.table import classify_table

    classifier = load_classifier()
    results = {}
    for how in ("library", "command"):
        db_path = DATA / f"album-{how}.db"
        db_path.unlink(missing_ok=True)
        with sqlite3.connect(db_path) as conn:
            conn.execute("create table photos (id integer primary key, path text)")
            conn.executemany(
                "insert into photos (path) values (?)",
                [(str(path.relative_to(DATA)),) for path in paths],
            )
        start, cpu = time.perf_counter(), cpu_seconds()
        if how == "library":
            db = Database(db_path)
            report = classify_table(db, "photos", "path", classifier)
            db.close()
            assert report.labelled == len(paths) and not report.failures
        else:
            subprocess.run(
                [BIN / "datamill", "classify", "table", db_path, "photos", "path"], check=True
            )
        results[how] = len(paths) / (time.perf_counter() - start)
        results[f"{how} cpu"] = (cpu_seconds() - cpu) / len(paths)
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("select count(label) from photos").fetchone()[0] == len(paths)
    return results


BOUNDARY = "datamill-bench-boundary"


def multipart(jpeg: bytes) -> bytes:
    """A ``multipart/form-data`` body with ``jpeg`` as the field ``image``."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="image"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + jpeg + f"\r\n--{BOUNDARY}--\r\n".encode()


def start_serve() -> tuple[subprocess.Popen, str]:
    """``datamill serve --classifier imagenet`` on a free port; returns it and its URL."""
    db_path = DATA / "empty.db"
    sqlite3.connect(db_path).close()
    proc = subprocess.Popen(
        [BIN / "datamill", "serve", db_path, "--port", "0", "--classifier", "imagenet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        match = re.match(r"Serving \d+ databases? at (http://\S+) ", line)
        if match:
            return proc, match.group(1)
    proc.kill()
    raise SystemExit("datamill serve did not start")


def post_many(url: str, body: bytes, count: int) -> list[float]:
    """Seconds for each of ``count`` ``POST /-/classify`` on one keep-alive connection."""
    parts = urllib.parse.urlsplit(url)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    times = []
    try:
        for _ in range(count):
            start = time.perf_counter()
            conn.request("POST", "/-/classify", body, headers)
            response = conn.getresponse()
            answer = response.read()
            times.append(time.perf_counter() - start)
            assert response.status == 200, answer
    finally:
        conn.close()
    return times


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_api(repeat: int, jpeg: bytes) -> dict[str, float]:
    """Warm latency of ``POST /-/classify`` and serve's peak RSS under 4 concurrent clients."""
    proc, url = start_serve()
    try:
        body = multipart(jpeg)
        post_many(url, body, 5)
        cpu = process_cpu_seconds(proc.pid)
        times = sorted(post_many(url, body, repeat))
        cpu = (process_cpu_seconds(proc.pid) - cpu) / repeat
        threads = [threading.Thread(target=post_many, args=(url, body, repeat)) for _ in range(4)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = 4 * repeat / (time.perf_counter() - start)
        rss = peak_rss_kb(proc.pid) / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return {
        "p50": times[len(times) // 2],
        "p90": times[int(len(times) * 0.9)],
        "rate": rate,
        "rss": rss,
        "cpu": cpu,
    }


def model_size() -> int:
    """Bytes of a model trained on 10 labels (scikit-learn digits, 20 images per label)."""
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_digits

    from datamill.classify.train import train

    folder = DATA / "digits"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    digits = load_digits()
    seen: dict[int, int] = {}
    for n, (pixels, label) in enumerate(zip(digits.images, digits.target)):
        if seen.get(int(label), 0) >= 20:
            continue
        seen[int(label)] = seen.get(int(label), 0) + 1
        gray = (255 - pixels * 255 / 16).round().astype(np.uint8)
        Image.fromarray(gray, "L").resize((64, 64)).save(folder / f"{label}_{n}.png")
    model = DATA / "digits.model"
    train(folder, model, label_regex=r"^(\d)_")
    return model.stat().st_size


def install_size() -> tuple[float, list[str]]:
    """MB installed by the extra's requirements in a fresh venv, and the packages installed."""
    extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["classify"]
    with tempfile.TemporaryDirectory() as folder:
        venv = pathlib.Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        python = venv / "bin" / "python"
        baseline = site_packages_size(python)
        subprocess.run([python, "-m", "pip", "install", "--quiet", *extra], check=True)
        size = site_packages_size(python) - baseline
        listed = subprocess.run(
            [python, "-m", "pip", "list", "--format=freeze"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    return size / 1e6, listed


def site_packages_size(python: pathlib.Path) -> int:
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _, names in os.walk(site)
        for name in names
        if not os.path.islink(os.path.join(folder, name))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--skip-install", action="store_true")
    args = parser.parse_args()

    paths = make_jpegs(args.images)
    jpeg = paths[0].read_bytes()
    load = os.getloadavg()[0]
    rate = sgemm_rate()
    floor = network_macs() / rate
    lat = latency(args.repeat, jpeg)
    floor_total = floor + lat["decode"]
    api = http_api(args.repeat, jpeg)
    throughput = table_throughput(paths)
    model = model_size()

    rows = [
        ("POST /-/classify p50, warm (ms)", api["p50"] * 1000, "<= 30", api["p50"] <= 0.030),
        ("POST /-/classify p90 (ms)", api["p90"] * 1000, "", None),
        ("  serve's CPU time per request (ms)", api["cpu"] * 1000, "<= 30", api["cpu"] <= 0.030),
        ("  predict p50, warm, in process (ms)", lat["p50"] * 1000, "", None),
        ("  ratio HTTP p50 / in-process p50", api["p50"] / lat["p50"], "", None),
        ("  CPU time of one predict, p50 (ms)", lat["cpu"] * 1000, "<= 30", lat["cpu"] <= 0.030),
        ("  floor: decode+resize + MACs at sgemm rate (ms)", floor_total * 1000, "", None),
        ("  ratio HTTP p50 / floor", api["p50"] / floor_total, "", None),
        ("POST /-/classify, 4 concurrent clients (requests/s)", api["rate"], "", None),
        (
            "classify table, library (images/s)",
            throughput["library"],
            ">= 40",
            throughput["library"] >= 40,
        ),
        (
            "classify table, whole command (images/s)",
            throughput["command"],
            ">= 40",
            throughput["command"] >= 40,
        ),
        ("  CPU per image, library (ms)", throughput["library cpu"] * 1000, "", None),
        (
            "  all CPUs' capacity at that cost (images/s)",
            (os.cpu_count() or 1) / throughput["library cpu"],
            ">= 40",
            (os.cpu_count() or 1) / throughput["library cpu"] >= 40,
        ),
        (
            "peak RSS of serve --classifier imagenet, loaded (MB)",
            api["rss"],
            "<= 400",
            api["rss"] <= 400,
        ),
        ("model file, 10 labels (KB)", model / 1024, "<= 100", model <= 100 * 1024),
    ]
    if not args.skip_install:
        size, packages = install_size()
        packages = [p for p in packages if not p.startswith(("pip==", "setuptools=="))]
        heavy = [p for p in packages if p.lower().startswith(("torch", "nvidia", "cuda"))]
        rows.append(("classify extra installed (MB)", size, "<= 120", size <= 120))
        rows.append(("  torch/CUDA packages", len(heavy), "0", not heavy))
        print("extra installs: " + ", ".join(packages))
    print(
        f"load average at start: {load:.2f}, at end: {os.getloadavg()[0]:.2f}, on "
        f"{os.cpu_count()} CPUs (other work on the machine slows the wall-clock figures; the "
        "CPU-time ones are not affected)"
    )
    print(
        f"network: {network_macs() / 1e6:.0f} M multiply-adds; single-thread sgemm "
        f"{rate / 1e9:.1f} G multiply-adds/s; decode+resize {lat['decode'] * 1000:.2f} ms"
    )
    print(f"{'measure':52} {'value':>10}  {'target':>8}  ok")
    for name, value, target, ok in rows:
        mark = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:52} {value:10.2f}  {target:>8}  {mark}")


if __name__ == "__main__":
    main()
