"""Media step throughput against python-threatexchange, and exact PDQ matching at 1 M / 3 M / 10 M.

Part 1, the media step. On generated, benign, photo-like JPEGs (1/f noise with rectangles, EXIF
make/model/serial/GPS) of 1, 2, 5, 8 and 12 megapixels, it times darkroom's whole per-file media
step, `analyse_media(path, "image")` (decode through JPEG draft, PDQ of the 8 dihedral forms,
EXIF, blurred thumbnail), over a pool of 2 spawned worker processes ("both cores") and in one
process, beside threatexchange's `pdq_from_file` (full-size decode, one PDQ) run the way a user
would: one process over the same files. It prints images/s for each, the ratios, per-size-class
images/s, and how far darkroom's form-0 hash lies from threatexchange's (draft decoding moves it
a few bits). Rounds (`--repeat`, default 3) alternate the tools and the best of each is kept. The
page cache is warmed first and the pool is started (and its imports done) before
the clock starts, so the figures are per-file work, not interpreter start-up.

Part 2, matching. For each known-set size N (`--sizes`, default 1 M, 3 M, 10 M random 256-bit
codes), 10,000 case hashes x 8 dihedral forms = 80,000 queries at distance <= 31, of which
`--planted` case hashes have one form planted 0-31 bits from a known code. darkroom's
`PdqIndex` (the kind the matcher picks: Flat up to `--flat-limit`, MultiHash above) is built and
searched; recall = planted pairs found / planted pairs. The reference is FAISS `IndexBinaryFlat`
range search (2 OpenMP threads, as darkroom) on a random `--flat-sample` of the queries: its
per-query time is extrapolated to all queries (said so in the output), and darkroom's hits on that
sample must equal Flat's exactly. Speed-ups are given on query time alone and with darkroom's
build time added. MultiHash at 10 M takes ~100 s to build and ~9 GB of memory.

Run: `.venv/bin/python bench/media.py [--images N] [--sizes 1000000,3000000,10000000] [--json]`,
or `--quick` (12 images, 100 k / 300 k known hashes, 2,000 case hashes) for a look in under a minute.
Inputs go to `bench/out/media/` (git-ignored) and are reused by later runs. Exit code 0 whatever the
figures; 1 only when a step fails outright.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import psutil
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK = ROOT / "bench" / "out" / "media"
GENERATOR_VERSION = 1
# Megapixel class -> (width, height), 4:3 like a phone camera.
SIZE_CLASSES: dict[int, tuple[int, int]] = {
    1: (1152, 864),
    2: (1632, 1224),
    5: (2592, 1944),
    8: (3264, 2448),
    12: (4000, 3000),
}
MAX_DISTANCE = 31  # darkroom's default PDQ match threshold
FORMS = 8
WORKERS = 2
JPEG_QUALITY = 90
BUSY_SHARE = 0.9  # CPU/wall of a single-process run below which the machine was busy


def status(message: str) -> None:
    """Progress on stderr, so `--json` leaves stdout to the result."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- generated photos --------------------------------------------------------------------------------


def photo_like(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    """1/f noise (a photograph's spectrum, no content) at 1/4 size, enlarged, with grain and rectangles."""
    small_h, small_w = max(8, height // 4), max(8, width // 4)
    freq_rows = np.fft.fftfreq(small_h)[:, None]
    freq_cols = np.fft.rfftfreq(small_w)[None, :]
    radius = np.sqrt(freq_cols**2 + freq_rows**2)
    radius[0, 0] = 1.0
    planes = []
    for _ in range(3):
        spectrum = (rng.normal(size=radius.shape) + 1j * rng.normal(size=radius.shape)) / radius**1.1
        plane = np.fft.irfft2(spectrum, s=(small_h, small_w))
        planes.append((plane - plane.mean()) / plane.std())
    small = np.clip(np.stack(planes, axis=-1) * 40 + 120, 0, 255).astype(np.uint8)
    image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        side = int(rng.integers(width // 20, width // 4))
        draw.rectangle((x0, y0, x0 + side, y0 + side), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    grain = rng.integers(-6, 7, size=(height, width, 1), dtype=np.int16)
    pixels = np.clip(np.asarray(image, dtype=np.int16) + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def camera_exif(number: int) -> Image.Exif:
    """Invented camera facts: make, model, body serial, capture time and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    exif[0x0110] = f"BC-{number % 3 + 1}"  # Model
    exif[0x0131] = "bench 1.0"  # Software
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = f"2025:05:{number % 28 + 1:02d} 12:{number % 60:02d}:00"  # DateTimeOriginal
    sub[0xA431] = f"SN{100000 + number}"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = (59.0, float(number % 60), 12.5)
    gps[4] = (10.0, 45.0, float(number % 60))
    return exif


def ensure_images(folder: Path, count: int, seed: int) -> list[tuple[Path, int]]:
    """`count` JPEGs spread evenly over the size classes, generated once and reused (path, megapixels)."""
    folder.mkdir(parents=True, exist_ok=True)
    classes = sorted(SIZE_CLASSES)
    files: list[tuple[Path, int]] = []
    for number in range(count):
        megapixels = classes[number % len(classes)]
        path = folder / f"v{GENERATOR_VERSION}-s{seed}-{number:04d}-{megapixels}mp.jpg"
        if not path.exists():
            width, height = SIZE_CLASSES[megapixels]
            image = photo_like(np.random.default_rng([seed, number]), width, height)
            partial = path.with_suffix(".part")
            image.save(partial, "JPEG", quality=JPEG_QUALITY, exif=camera_exif(number))
            partial.replace(path)
        files.append((path, megapixels))
    return files


# -- part 1: the media step ----------------------------------------------------------------------------


def darkroom_one(path: str) -> tuple[float, str | None, str | None]:
    """One file through darkroom's media step: (seconds, form-0 PDQ hex, error)."""
    from darkroom.errors import DarkroomError  # noqa: PLC0415 - imported in the worker
    from darkroom.media.analyse import analyse_media  # noqa: PLC0415

    started = time.perf_counter()
    try:
        facts = analyse_media(Path(path), "image")
    except DarkroomError as err:
        return time.perf_counter() - started, None, str(err)
    if facts.exif.make is None or facts.thumbnail_jpeg is None:
        return time.perf_counter() - started, facts.pdq_hex, "EXIF make or thumbnail missing"
    return time.perf_counter() - started, facts.pdq_hex, None


def threatexchange_one(path: str) -> tuple[float, str | None, str | None]:
    """One file through threatexchange's file hasher: (seconds, PDQ hex, error)."""
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file  # noqa: PLC0415

    started = time.perf_counter()
    try:
        pdq_hex, _quality = pdq_from_file(Path(path))
    except (OSError, ValueError) as err:
        return time.perf_counter() - started, None, str(err)
    return time.perf_counter() - started, pdq_hex, None


def _warm_worker(_: int) -> int:
    import darkroom.media.analyse  # noqa: F401, PLC0415 - pay the imports before the clock starts

    return os.getpid()


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("nan")


def _hamming_hex(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def run_serial(files: Sequence[tuple[Path, int]], one: Any) -> dict[str, Any]:
    """Time `one` over the files in this process; keep per-file times for the size classes."""
    started, cpu_started = time.perf_counter(), time.process_time()
    results = [one(str(path)) for path, _ in files]
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_s": time.process_time() - cpu_started, "results": results}


def run_pool(files: Sequence[tuple[Path, int]], pool: ProcessPoolExecutor) -> dict[str, Any]:
    started = time.perf_counter()
    results = list(pool.map(darkroom_one, [str(path) for path, _ in files], chunksize=1))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "results": results}


def _best(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda run: float(run["seconds"]))


def media_bench(files: Sequence[tuple[Path, int]], repeat: int) -> dict[str, Any]:
    """Both tools over the same files, rounds interleaved, best round of each: images/s, ratios, classes."""
    total_mb = sum(path.stat().st_size for path, _ in files) / 1e6
    for path, _ in files:  # warm the page cache
        path.read_bytes()
    darkroom_one(str(files[0][0]))  # imports, outside the clock
    threatexchange_one(str(files[0][0]))
    classes = sorted({mp for _, mp in files})
    te_runs, dr1_runs, dr2_runs = [], [], []
    class_runs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        list(pool.map(_warm_worker, range(WORKERS * 2)))
        for round_number in range(1, repeat + 1):
            status(
                f"media round {round_number}/{repeat}: {len(files)} JPEGs, {total_mb:.0f} MB; threatexchange"
            )
            te_runs.append(run_serial(files, threatexchange_one))
            status(f"media round {round_number}/{repeat}: darkroom 1 process, then {WORKERS} processes")
            dr1_runs.append(run_serial(files, darkroom_one))
            dr2_runs.append(run_pool(files, pool))
            for mp in classes:
                class_runs[mp].append(run_pool([f for f in files if f[1] == mp], pool))
    by_class_pool = {mp: _best(runs) for mp, runs in class_runs.items()}
    return summarise_media(files, total_mb, _best(te_runs), _best(dr1_runs), _best(dr2_runs), by_class_pool)


def summarise_media(
    files: Sequence[tuple[Path, int]],
    total_mb: float,
    te: dict[str, Any],
    dr1: dict[str, Any],
    dr2: dict[str, Any],
    by_class_pool: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    count = len(files)
    errors = [r[2] for run in (te, dr1, dr2) for r in run["results"] if r[2]]
    distances = [
        _hamming_hex(d[1], t[1])
        for d, t in zip(dr1["results"], te["results"], strict=True)
        if d[1] is not None and t[1] is not None
    ]
    classes: dict[int, dict[str, float]] = defaultdict(dict)
    for mp in sorted({mp for _, mp in files}):
        picks = [i for i, (_, m) in enumerate(files) if m == mp]
        te_s = sum(te["results"][i][0] for i in picks)
        dr1_s = sum(dr1["results"][i][0] for i in picks)
        classes[mp] = {
            "files": len(picks),
            "threatexchange_images_s": _rate(len(picks), te_s),
            "darkroom_1proc_images_s": _rate(len(picks), dr1_s),
            "darkroom_2proc_images_s": _rate(len(picks), by_class_pool[mp]["seconds"]),
        }
    te_rate, dr1_rate, dr2_rate = (_rate(count, run["seconds"]) for run in (te, dr1, dr2))
    return {
        "images": count,
        "megabytes": total_mb,
        "threatexchange_images_s": te_rate,
        "darkroom_1proc_images_s": dr1_rate,
        "darkroom_2proc_images_s": dr2_rate,
        "ratio_2proc_over_te": dr2_rate / te_rate,
        "threatexchange_cpu_share": te["cpu_s"] / te["seconds"],
        "darkroom_1proc_cpu_share": dr1["cpu_s"] / dr1["seconds"],
        "ratio_1proc_over_te": dr1_rate / te_rate,
        "by_megapixels": dict(classes),
        "pdq_form0_vs_te_bits_mean": float(np.mean(distances)) if distances else None,
        "pdq_form0_vs_te_bits_max": max(distances) if distances else None,
        "errors": errors[:10],
        "error_count": len(errors),
    }


# -- part 2: matching ------------------------------------------------------------------------------------


def flip_bits(rng: np.random.Generator, code: npt.NDArray[np.uint8], bits: int) -> npt.NDArray[np.uint8]:
    """A copy of a 32-byte code with `bits` distinct bits flipped."""
    unpacked = np.unpackbits(code)
    positions = rng.choice(256, size=bits, replace=False)
    unpacked[positions] ^= 1
    return np.packbits(unpacked)


def make_queries(
    rng: np.random.Generator, known: npt.NDArray[np.uint8], case_hashes: int, planted: int
) -> tuple[npt.NDArray[np.uint8], set[tuple[int, int]]]:
    """case_hashes x 8 random forms; `planted` case hashes get one form 0-31 bits from a known code."""
    queries = rng.integers(0, 256, size=(case_hashes * FORMS, 32), dtype=np.uint8)
    planted_pairs: set[tuple[int, int]] = set()
    cases = rng.choice(case_hashes, size=planted, replace=False)
    targets = rng.choice(len(known), size=planted, replace=False)
    for case, target in zip(cases, targets, strict=True):
        query = int(case) * FORMS + int(rng.integers(0, FORMS))
        queries[query] = flip_bits(rng, known[target], int(rng.integers(0, MAX_DISTANCE + 1)))
        planted_pairs.add((query, int(target)))
    return queries, planted_pairs


def hit_set(
    query: npt.NDArray[np.int64], item: npt.NDArray[np.int64], dist: Any
) -> set[tuple[int, int, int]]:
    return {(int(q), int(i), int(d)) for q, i, d in zip(query, item, dist, strict=True)}


def flat_reference(
    known: npt.NDArray[np.uint8], sample: npt.NDArray[np.uint8]
) -> tuple[float, float, set[tuple[int, int, int]]]:
    """FAISS IndexBinaryFlat range search on the sample: (add seconds, search seconds, hits by sample row)."""
    import faiss  # noqa: PLC0415

    started = time.perf_counter()
    index = faiss.IndexBinaryFlat(256)
    index.add(known)
    added = time.perf_counter() - started
    started = time.perf_counter()
    lims, distances, positions = index.range_search(sample, MAX_DISTANCE + 1)
    searched = time.perf_counter() - started
    rows = np.repeat(np.arange(len(sample), dtype=np.int64), np.diff(lims).astype(np.int64))
    return added, searched, hit_set(rows, positions.astype(np.int64), distances)


def match_one_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Build darkroom's index over `size` random codes, search all queries, compare with Flat on a sample."""
    from darkroom.media.index import PdqIndex  # noqa: PLC0415

    rng = np.random.default_rng([args.seed, size])
    known = rng.integers(0, 256, size=(size, 32), dtype=np.uint8)
    queries, planted = make_queries(rng, known, args.case_hashes, args.planted)
    ids = np.arange(size, dtype=np.int64)
    kind: Literal["flat", "multihash"] = "multihash" if size > args.flat_limit else "flat"
    status(f"match N={size:,}: building darkroom PdqIndex ({kind})")
    rss_before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    index = PdqIndex(known, ids, kind=kind)
    build_s = time.perf_counter() - started
    index_mb = (psutil.Process().memory_info().rss - rss_before) / 1e6
    status(f"match N={size:,}: {len(queries):,} queries, distance <= {MAX_DISTANCE}")
    started = time.perf_counter()
    hits = index.search(queries, MAX_DISTANCE)
    query_s = time.perf_counter() - started
    found = {(int(q), int(i)) for q, i in zip(hits.query, hits.item_id, strict=True)}
    del index
    gc.collect()
    sample_rows = np.sort(rng.choice(len(queries), size=min(args.flat_sample, len(queries)), replace=False))
    status(f"match N={size:,}: FAISS IndexBinaryFlat on {len(sample_rows):,} sampled queries")
    flat_add_s, flat_search_s, flat_hits = flat_reference(known, queries[sample_rows])
    position = {int(row): n for n, row in enumerate(sample_rows)}
    in_sample = np.isin(hits.query, sample_rows)
    dr_sample_hits = hit_set(
        np.array([position[int(q)] for q in hits.query[in_sample]], dtype=np.int64),
        hits.item_id[in_sample],
        hits.distance[in_sample],
    )
    flat_per_query = flat_search_s / len(sample_rows)
    flat_full_s = flat_per_query * len(queries)
    return {
        "known": size,
        "kind": kind,
        "queries": len(queries),
        "build_s": build_s,
        "index_rss_mb": index_mb,
        "query_s": query_s,
        "queries_per_s": len(queries) / query_s,
        "ms_per_query": 1000 * query_s / len(queries),
        "flat_sample": len(sample_rows),
        "flat_ms_per_query": 1000 * flat_per_query,
        "flat_queries_per_s": 1 / flat_per_query,
        "flat_full_s_extrapolated": flat_full_s,
        "flat_add_s": flat_add_s,
        "speedup_query": flat_full_s / query_s,
        "speedup_with_build": flat_full_s / (query_s + build_s),
        "planted": len(planted),
        "recall": len(planted & found) / len(planted) if planted else float("nan"),
        "hits": len(hits),
        "hits_not_planted": len(found - planted),
        "sample_hits_equal_flat": dr_sample_hits == flat_hits,
        "sample_hits": len(flat_hits),
    }


def matching_bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    import faiss  # noqa: PLC0415

    faiss.omp_set_num_threads(WORKERS)
    results = []
    for size in args.sizes:
        need_gb = size * 32 * 30 / 1e9  # MultiHash: roughly 900 bytes a hash, measured ~9 GB at 10 M
        free_gb = psutil.virtual_memory().available / 1e9
        if size > args.flat_limit and need_gb > free_gb * 0.8:
            status(f"match N={size:,}: skipped, needs ~{need_gb:.0f} GB, {free_gb:.0f} GB available")
            results.append({"known": size, "skipped": f"needs ~{need_gb:.0f} GB, {free_gb:.0f} GB free"})
            continue
        results.append(match_one_size(size, args))
        gc.collect()
    return results


# -- output ----------------------------------------------------------------------------------------------


def media_lines(m: dict[str, Any]) -> list[str]:
    shares = (m["threatexchange_cpu_share"], m["darkroom_1proc_cpu_share"])
    lines = [
        f"media step on {m['images']} generated JPEGs of 1-12 MP ({m['megabytes']:.0f} MB, page cache warm),"
        f" best of {m['repeat']} interleaved rounds",
        f"  threatexchange pdq_from_file, 1 process   {m['threatexchange_images_s']:7.2f} images/s"
        "   (full decode, 1 PDQ)",
        f"  darkroom analyse_media, 1 process         {m['darkroom_1proc_images_s']:7.2f} images/s"
        f"   ratio {m['ratio_1proc_over_te']:.2f}x   (draft decode, 8 PDQ forms, EXIF, thumbnail)",
        f"  darkroom analyse_media, {WORKERS} processes       {m['darkroom_2proc_images_s']:7.2f} images/s"
        f"   ratio {m['ratio_2proc_over_te']:.2f}x   (target >= 2x)",
        f"  cpu/wall       1-process runs: threatexchange {m['threatexchange_cpu_share']:.2f},"
        f" darkroom {m['darkroom_1proc_cpu_share']:.2f}"
        + (" (below 0.9: the machine is shared and busy)" if min(shares) < BUSY_SHARE else ""),
        "  by size        files   threatexchange   darkroom 1 proc   darkroom 2 procs   (images/s)",
    ]
    for mp, c in sorted(m["by_megapixels"].items()):
        lines.append(
            f"  {mp:>3} MP       {c['files']:>6}   {c['threatexchange_images_s']:14.2f}   "
            f"{c['darkroom_1proc_images_s']:15.2f}   {c['darkroom_2proc_images_s']:16.2f}"
        )
    if m["pdq_form0_vs_te_bits_mean"] is not None:
        lines.append(
            "  PDQ agreement  darkroom form 0 vs threatexchange: mean"
            f" {m['pdq_form0_vs_te_bits_mean']:.1f} bits, max {m['pdq_form0_vs_te_bits_max']}"
            f" bits apart (threshold {MAX_DISTANCE})"
        )
    if m["error_count"]:
        lines.append(f"  ERRORS         {m['error_count']}: {m['errors']}")
    return lines


def match_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"exact PDQ matching, distance <= {MAX_DISTANCE}, FAISS with 2 threads; Flat times are EXTRAPOLATED"
        " from a sample of the queries",
        "  known N      index      build s   query s   queries/s   flat q/s   flat s (extrap.)"
        "   speed-up (query / +build)   recall   sample = flat",
    ]
    for r in rows:
        if "skipped" in r:
            lines.append(f"  {r['known']:>10,}   skipped: {r['skipped']}")
            continue
        lines.append(
            f"  {r['known']:>10,}   {r['kind']:9}  {r['build_s']:7.1f}   {r['query_s']:7.1f}   "
            f"{r['queries_per_s']:9,.0f}   {r['flat_queries_per_s']:8,.0f}   "
            f"{r['flat_full_s_extrapolated']:16.1f}"
            f"   {r['speedup_query']:10.2f}x / {r['speedup_with_build']:.2f}x   {r['recall']:6.3f}"
            f"   {'yes' if r['sample_hits_equal_flat'] else 'NO'} ({r['flat_sample']:,} queries,"
            f" {r['sample_hits']} hits)"
        )
    done = [r for r in rows if "skipped" not in r]
    if len(done) > 1:
        sizes = " -> ".join(f"{r['known'] / 1e6:g} M" for r in done)
        lines += [
            f"  growth over    {sizes}",
            "    darkroom query s  " + " -> ".join(f"{r['query_s']:.1f}" for r in done),
            "    darkroom build s  " + " -> ".join(f"{r['build_s']:.1f}" for r in done),
            "    flat ms/query     " + " -> ".join(f"{r['flat_ms_per_query']:.3f}" for r in done),
        ]
    for r in done:
        lines.append(
            f"  N={r['known']:,}: {r['queries']:,} queries, {r['planted']} planted pairs,"
            f" {r['hits']} hits ({r['hits_not_planted']} not planted), {r['ms_per_query']:.3f} ms/query"
            f" vs flat {r['flat_ms_per_query']:.3f} ms/query; index grew RSS by {r['index_rss_mb']:.0f} MB"
        )
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--images", type=int, default=60, help="generated JPEGs (default 60)")
    parser.add_argument(
        "--sizes", default="1000000,3000000,10000000", help="known-set sizes, comma-separated"
    )
    parser.add_argument("--case-hashes", type=int, default=10_000, help="case hashes, 8 forms each")
    parser.add_argument("--planted", type=int, default=1_000, help="case hashes near a known one")
    parser.add_argument("--flat-sample", type=int, default=4_000, help="queries the Flat reference runs")
    parser.add_argument(
        "--flat-limit", type=int, default=None, help="Flat up to this many known hashes (default: darkroom's)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="media rounds, best kept (default 3)")
    parser.add_argument("--skip-media", action="store_true", help="matching only")
    parser.add_argument("--skip-match", action="store_true", help="media step only")
    parser.add_argument("--quick", action="store_true", help="12 images, 100 k / 300 k, 2,000 case hashes")
    parser.add_argument("--seed", type=int, default=20260314)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)
    if args.quick:
        args.images, args.sizes, args.case_hashes, args.repeat = 12, "100000,300000", 2_000, 1
        args.planted, args.flat_sample = 200, 1_000
        args.flat_limit = args.flat_limit or 200_000  # so the quick run exercises MultiHash too
    if args.flat_limit is None:
        from darkroom.media.index import DEFAULT_FLAT_LIMIT  # noqa: PLC0415

        args.flat_limit = DEFAULT_FLAT_LIMIT
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.images < 1 or args.case_hashes < 1 or not 0 <= args.planted <= args.case_hashes:
        parser.error("--images and --case-hashes must be positive, --planted between 0 and --case-hashes")
    if any(s < max(args.planted, 1) for s in args.sizes) or args.flat_sample < 1:
        parser.error("each size must hold at least --planted codes; --flat-sample must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "load_average_at_start": os.getloadavg(),
    }
    if not args.skip_media:
        files = ensure_images(args.work / "images", args.images, args.seed)
        report["media"] = media_bench(files, args.repeat)
        report["media"]["repeat"] = args.repeat
    if not args.skip_match:
        report["matching"] = matching_bench(args)
    report["load_average_at_end"] = os.getloadavg()
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    lines = [
        f"machine: nproc {report['nproc']}, load average {report['load_average_at_start'][0]:.2f} at start,"
        f" {report['load_average_at_end'][0]:.2f} at end"
    ]
    if "media" in report:
        lines += media_lines(report["media"])
    if "matching" in report:
        lines += match_lines(report["matching"])
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
