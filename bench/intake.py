"""Evidence-intake throughput: `darkroom evidence add` against `hashdeep` on the same tree.

What it measures. Both tools read every file of a generated exhibit once and compute MD5,
SHA-1 and SHA-256 of it; darkroom also types each file with libmagic and records it in the
case's SQLite database (the full intake, as an investigator runs it). The script reports the
wall-clock time and throughput (MB/s, 1 MB = 10^6 bytes) of each, the ratio
darkroom/hashdeep, and darkroom's peak resident memory. The target is a ratio of at least
1.5 on two cores with a peak below 300 MB; the script prints the figures and exits 0 whatever
they are (a benchmark is not a test). It exits 1 only when a tool fails or the two disagree
on a digest.

The tree. Under `bench/out/intake-tree` (git-ignored) it generates, deterministically from
`--seed`, many small files (1-64 KiB, JPEG/PNG/PDF/text/binary content, in nested folders),
some medium ones (1-16 MiB) and large ones (100-300 MiB) until the total reaches
`--size-gb` GiB. A manifest beside the tree (`intake-tree.json`) records the parameters, so
a second run with the same ones reuses the tree instead of writing it again.

Fairness. darkroom's bytecode (.pyc) is compiled before timing, as an installed copy has it (where
PYTHONDONTWRITEBYTECODE is set, an editable install would otherwise compile its modules on every
run). One untimed `hashdeep` pass warms the page cache (and gives the reference digests
that darkroom's records are checked against), so the timed runs read from memory on both
sides. Each of `--repeat` rounds times hashdeep, then darkroom in a fresh case folder
(`case init` is not timed, `evidence add` is, process start-up included); the best time of
each is reported, and darkroom's highest peak. hashdeep keeps its default thread count
(`-j`, one per core) and darkroom its default worker count unless `--workers` is given.
Peak memory is what `/usr/bin/time -f %M` reports for the child (a wait4 from this process
would also count the pages of the forked interpreter before exec), else the highest of
psutil samples of the child's tree. The report also says how much CPU the rest of the
machine used during each timed run, and flags the figures when it is not quiet.

Run it with `make bench` (that is `python bench/intake.py`), or directly:

    .venv/bin/python bench/intake.py                      # 2 GiB tree, one round
    .venv/bin/python bench/intake.py --repeat 3 --json    # best of three, one JSON object
    .venv/bin/python bench/intake.py --size-gb 0.2 --small-files 2000   # a quick look
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import importlib.util
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

import psutil

GENERATOR_VERSION = 2
KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30
MB = 1e6
GB = 1e9
CHUNK = MIB

GNU_TIME = Path("/usr/bin/time")
RSS_SAMPLE_SECONDS = 0.02

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_WORK = BENCH_DIR / "out"
HASHDEEP_ALGORITHMS = "md5,sha1,sha256"
EXHIBIT_REF = "BENCH-1"
TARGET_RATIO = 1.5
TARGET_PEAK_MB = 300.0
NOISY_LOAD = 0.05  # others' share of the CPUs above which the figures are flagged

# First bytes of the small files, so libmagic sees a realistic mix of types. Binary files start
# with a zero byte so random content can never look like a zip/gzip/bzip2/xz archive, which
# intake would then walk.
HEADERS: dict[str, bytes] = {
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "txt": b"",
    "db": b"SQLite format 3\x00\x10\x00\x01\x01\x00\x40\x20\x20",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    "bin": b"\x00",
}


@dataclass(frozen=True, slots=True)
class Mix:
    """What the tree holds: counts of small and medium files and the small files' content types."""

    small_files: int
    medium_files: int
    small_kinds: dict[str, int]  # kind -> weight
    medium_kinds: dict[str, int]


# "phone" is shaped like a phone extraction: many small files, mostly binary formats libmagic knows
# (thumbnails, icons, databases, caches) with some text (settings, logs); photos and videos carry the
# bytes. "text-heavy" is a harder case for typing: a fifth of the small files are plain text, which
# libmagic's text tests make ~5x more expensive to type than a JPEG.
MIXES: dict[str, Mix] = {
    "phone": Mix(10000, 120, {"jpg": 45, "png": 15, "db": 10, "txt": 10, "bin": 20}, {"jpg": 70, "mp4": 30}),
    "text-heavy": Mix(20000, 40, {"jpg": 40, "png": 15, "pdf": 10, "txt": 20, "bin": 15}, {"bin": 1}),
}
_TEXT_ALPHABET = b"abcdefghijklmnopqrstuvwxyz" + b" " * 5 + b"\n"
TEXT_TABLE = bytes(_TEXT_ALPHABET[i % len(_TEXT_ALPHABET)] for i in range(256))


# -- the tree --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeParams:
    """What the generated tree depends on (a change means a new tree)."""

    size_gb: float
    mix: str
    small_files: int
    medium_files: int
    seed: int
    generator_version: int = GENERATOR_VERSION


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One file of the tree: where it goes, how big it is, what its content looks like."""

    rel: str
    size: int
    kind: str


@dataclass(frozen=True, slots=True)
class Tree:
    """A generated tree ready to be read."""

    root: Path
    files: int
    total_bytes: int
    reused: bool


def plan_tree(params: TreeParams) -> list[PlannedFile]:
    """Every file of the tree, decided by the seed alone."""
    rng = random.Random(params.seed)
    plan: list[PlannedFile] = []
    mix = MIXES[params.mix]
    small_kinds, small_weights = list(mix.small_kinds), list(mix.small_kinds.values())
    medium_kinds, medium_weights = list(mix.medium_kinds), list(mix.medium_kinds.values())
    for i in range(params.small_files):
        kind = rng.choices(small_kinds, small_weights)[0]
        folder = f"small/{i % 16:x}/{(i // 16) % 16:x}/{(i // 256) % 8}"
        plan.append(PlannedFile(f"{folder}/s{i:06d}.{kind}", rng.randint(KIB, 64 * KIB), kind))
    for i in range(params.medium_files):
        kind = rng.choices(medium_kinds, medium_weights)[0]
        plan.append(PlannedFile(f"medium/{i % 4}/m{i:04d}.{kind}", rng.randint(MIB, 16 * MIB), kind))
    target = int(params.size_gb * GIB)
    total = sum(f.size for f in plan)
    i = 0
    while total < target:
        size = max(100 * MIB, min(rng.randint(100 * MIB, 300 * MIB), target - total))
        plan.append(PlannedFile(f"large/l{i:03d}.bin", size, "bin"))
        total += size
        i += 1
    return plan


def content_chunks(seed: int, planned: PlannedFile) -> Iterator[bytes]:
    """The bytes of one file, in chunks, from a generator seeded by the tree seed and its path."""
    rng = random.Random(f"{seed}/{planned.rel}")
    header = HEADERS[planned.kind][: planned.size]
    if header:
        yield header
    remaining = planned.size - len(header)
    while remaining > 0:
        chunk = rng.randbytes(min(CHUNK, remaining))
        yield chunk.translate(TEXT_TABLE) if planned.kind == "txt" else chunk
        remaining -= len(chunk)


def write_tree(root: Path, params: TreeParams, plan: Sequence[PlannedFile]) -> None:
    """Write the planned files under `root` (which must not exist yet)."""
    started = time.perf_counter()
    written = 0
    for n, planned in enumerate(plan, 1):
        path = root / planned.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for chunk in content_chunks(params.seed, planned):
                out.write(chunk)
        written += planned.size
        if n % 5000 == 0 or n == len(plan):
            status(f"generated {n}/{len(plan)} files, {written / GB:.2f} GB")
    status(f"tree written in {time.perf_counter() - started:.1f} s")


def scan_tree(root: Path) -> tuple[int, int]:
    """File count and total bytes of a tree on disk."""
    files = 0
    total = 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            files += 1
            total += (Path(folder) / name).stat().st_size
    return files, total


def manifest_path(root: Path) -> Path:
    """Where the tree's parameters are kept: beside it, so neither tool reads it."""
    return root.with_name(root.name + ".json")


def read_manifest(root: Path) -> dict[str, Any] | None:
    path = manifest_path(root)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def ensure_tree(root: Path, params: TreeParams) -> Tree:
    """Reuse the tree when its manifest matches the parameters and the files are all there; else write it."""
    manifest = read_manifest(root)
    if manifest is not None and manifest.get("params") == asdict(params) and root.is_dir():
        files, total = scan_tree(root)
        if files == manifest.get("files") and total == manifest.get("total_bytes"):
            return Tree(root, files, total, reused=True)
        status("the tree on disk does not match its manifest; writing it again")
    if root.exists():
        if manifest is None:
            fail(f"{root} exists but was not generated by this script; remove it or choose another --work")
        status(f"removing the previous tree ({root})")
        shutil.rmtree(root)
    manifest_path(root).unlink(missing_ok=True)
    plan = plan_tree(params)
    write_tree(root, params, plan)
    files, total = scan_tree(root)
    record = {"params": asdict(params), "files": files, "total_bytes": total}
    manifest_path(root).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return Tree(root, files, total, reused=False)


# -- running the tools -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timed:
    """One child process run: wall time, CPU time (user + system), peak resident memory, and the
    CPU time the rest of the machine took meanwhile (other processes, hypervisor steal)."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    other_cpu_seconds: float
    stdout: str

    def other_load(self, cpus: int) -> float:
        """Share of the machine's CPUs that others used during the run (0 on a quiet machine)."""
        return self.other_cpu_seconds / (self.seconds * cpus)


def run_timed(cmd: Sequence[str], log_dir: Path, name: str, keep: bool = True) -> Timed:
    """Run `cmd` and measure it; exit on failure.

    Its output goes to `log_dir/NAME.stdout` and is returned, or to /dev/null when not `keep`.
    """
    out_path = log_dir / f"{name}.stdout" if keep else Path(os.devnull)
    err_path = log_dir / f"{name}.stderr"
    rss_path = log_dir / f"{name}.maxrss"
    use_gnu_time = GNU_TIME.is_file()
    argv = [str(GNU_TIME), "-f", "%M", "-o", str(rss_path), *cmd] if use_gnu_time else list(cmd)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_before = machine_busy_seconds()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        if use_gnu_time:
            proc.wait()
            polled_peak = 0
        else:
            polled_peak = wait_sampling_rss(proc)
        seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_after = machine_busy_seconds()
    if proc.returncode != 0:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        fail(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")
    peak_bytes = gnu_time_peak(rss_path) if use_gnu_time else polled_peak
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stdout = out_path.read_text(encoding="utf-8", errors="replace") if keep else ""
    other = max(0.0, machine_after - machine_before - cpu)
    return Timed(seconds, cpu, peak_bytes / MB, other, stdout)


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (or stolen by the hypervisor) since boot."""
    t = psutil.cpu_times()
    fields = ("user", "nice", "system", "irq", "softirq", "steal")
    return sum(float(getattr(t, name, 0.0)) for name in fields)


def gnu_time_peak(rss_path: Path) -> int:
    """Bytes from `/usr/bin/time -f %M` (KiB, on its last line)."""
    return int(rss_path.read_text(encoding="utf-8").split()[-1]) * KIB


def wait_sampling_rss(proc: subprocess.Popen[bytes]) -> int:
    """Wait for `proc`, sampling the resident memory of it and its children; the highest sample."""
    peak = 0
    try:
        watched = psutil.Process(proc.pid)
    except psutil.Error:
        proc.wait()
        return peak
    while True:
        with contextlib.suppress(psutil.Error):
            members = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in members))
        try:
            proc.wait(timeout=RSS_SAMPLE_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        return peak


def peak_method() -> str:
    if GNU_TIME.is_file():
        return f"{GNU_TIME} -f %M"
    return f"psutil sampling every {RSS_SAMPLE_SECONDS * 1000:.0f} ms (a lower bound)"


def hashdeep_command(tree: Path) -> list[str]:
    return ["hashdeep", "-c", HASHDEEP_ALGORITHMS, "-r", str(tree)]


def hashdeep_default_threads() -> str:
    """hashdeep's own word on its default `-j` (its help line `-j <num> - use num threads (default N)`)."""
    proc = subprocess.run(["hashdeep", "-h"], capture_output=True, text=True, check=False)
    match = re.search(r"-j\s*<num>.*?\(default (\d+)\)", proc.stdout + proc.stderr)
    return match.group(1) if match else "unknown"


def hashdeep_version() -> str:
    proc = subprocess.run(["hashdeep", "-V"], capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).strip() or "unknown"


def darkroom_binary() -> Path:
    """The console script installed beside this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("darkroom")
    if beside.is_file():
        return beside
    found = shutil.which("darkroom")
    if found is None:
        fail("the darkroom command is not installed; run `make setup` and use .venv/bin/python")
    return Path(found)


def run_darkroom(binary: Path, tree: Path, case_dir: Path, workers: int | None) -> Timed:
    """`case init` (untimed) then `evidence add` of the whole tree (timed) in a fresh case folder."""
    init = [str(binary), "case", "init", "--case", str(case_dir), "--name", "bench intake"]
    subprocess.run(init, check=True, capture_output=True)
    add = [
        str(binary),
        "evidence",
        "add",
        str(tree),
        "--case",
        str(case_dir),
        "--exhibit",
        EXHIBIT_REF,
        "--seized-from",
        "bench/intake.py generated tree",
        "--seized-at",
        "2026-03-14T06:10",
        "--seized-by",
        "bench",
        "--actor",
        "bench",
    ]
    if workers is not None:
        add += ["--workers", str(workers)]
    return run_timed(add, case_dir.parent, f"{case_dir.name}-evidence-add")


# -- checking that both did the same work ----------------------------------------------------------


def hashdeep_digests(output: str, tree: Path) -> dict[str, tuple[int, str, str, str]]:
    """Path (relative to the tree) to size and digests, from hashdeep's CSV output."""
    prefix = str(tree) + os.sep
    digests: dict[str, tuple[int, str, str, str]] = {}
    for line in output.splitlines():
        if not line or line.startswith(("%%%%", "##")):
            continue
        size, md5, sha1, sha256, path = line.split(",", 4)
        digests[path.removeprefix(prefix)] = (int(size), md5, sha1, sha256)
    return digests


def darkroom_digests(case_dir: Path) -> dict[str, tuple[int, str, str, str]]:
    """The same, from the files darkroom recorded at the top level of the exhibit."""
    query = (
        "SELECT path, size, md5, sha1, sha256 FROM files "
        "WHERE entry_kind = 'file' AND container_id IS NULL AND read_error IS NULL"
    )
    with sqlite3.connect(f"file:{case_dir / 'case.db'}?mode=ro", uri=True) as db:
        rows = db.execute(query).fetchall()
    return {os.fsdecode(path): (size, md5, sha1, sha256) for path, size, md5, sha1, sha256 in rows}


def compare_digests(
    reference: dict[str, tuple[int, str, str, str]], recorded: dict[str, tuple[int, str, str, str]]
) -> tuple[int, int]:
    """How many files agree, and how many are missing on one side or differ."""
    agree = sum(1 for path, value in reference.items() if recorded.get(path) == value)
    return agree, len(reference.keys() | recorded.keys()) - agree


# -- the benchmark ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """Everything the script reports (the `--json` object)."""

    tree: str
    tree_reused: bool
    files: int
    total_bytes: int
    nproc: int
    repeat: int
    hashdeep_version: str
    hashdeep_threads: str
    darkroom_workers: str
    warmup_seconds: float
    hashdeep_seconds: float
    hashdeep_mb_s: float
    hashdeep_cpu_seconds: float
    hashdeep_peak_mb: float
    darkroom_seconds: float
    darkroom_mb_s: float
    darkroom_cpu_seconds: float
    darkroom_peak_mb: float
    ratio: float
    target_ratio: float
    target_peak_mb: float
    digests_agree: int
    digests_differ: int
    peak_method: str
    hashdeep_other_load: float
    darkroom_other_load: float


def warm_cache(tree: Path, log_dir: Path) -> tuple[Timed, dict[str, tuple[int, str, str, str]]]:
    """One untimed hashdeep pass: the page cache holds the tree after it, and its digests are kept."""
    warm = run_timed(hashdeep_command(tree), log_dir, "hashdeep-warmup")
    return warm, hashdeep_digests(warm.stdout, tree)


def compile_bytecode() -> None:
    """Write darkroom's .pyc files before timing. A wheel install writes them and an editable one on
    first use, but not where PYTHONDONTWRITEBYTECODE is set (as on some CI and sandbox machines):
    there every run would compile darkroom's modules again, a start-up cost no installed copy has."""
    spec = importlib.util.find_spec("darkroom")
    if spec is None or spec.origin is None:
        fail("darkroom is not importable by this python; run it with the project's .venv/bin/python")
    if not compileall.compile_dir(Path(spec.origin).parent, quiet=1):
        fail("compiling darkroom's bytecode failed")


def benchmark(args: argparse.Namespace) -> Result:
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    if shutil.which("hashdeep") is None:
        fail("hashdeep is not installed; run `make system-deps` (Debian package hashdeep)")
    binary = darkroom_binary()
    mix = MIXES[args.mix]
    small = mix.small_files if args.small_files is None else args.small_files
    medium = mix.medium_files if args.medium_files is None else args.medium_files
    params = TreeParams(args.size_gb, args.mix, small, medium, args.seed)
    tree = ensure_tree(work / f"intake-tree-{args.mix}", params)
    if tree.total_bytes > psutil.virtual_memory().total // 2:
        status("warning: the tree is over half the RAM; timed runs may read from disk, not the cache")
    runs_dir = work / "intake-runs"
    shutil.rmtree(runs_dir, ignore_errors=True)
    runs_dir.mkdir()

    status("compiling darkroom's bytecode (as an installed package has it)")
    compile_bytecode()
    status(f"warming the page cache: reading {tree.files} files, {tree.total_bytes / GB:.2f} GB (untimed)")
    warm, reference = warm_cache(tree.root, runs_dir)
    hashdeep_runs: list[Timed] = []
    darkroom_runs: list[Timed] = []
    digests_agree, digests_differ = 0, 0
    for n in range(1, args.repeat + 1):
        status(f"round {n}/{args.repeat}: hashdeep")
        hashdeep_runs.append(run_timed(hashdeep_command(tree.root), runs_dir, f"hashdeep-{n}", keep=False))
        status(f"round {n}/{args.repeat}: darkroom evidence add")
        case_dir = runs_dir / f"case-{n}"
        darkroom_runs.append(run_darkroom(binary, tree.root, case_dir, args.workers))
        if n == 1:
            digests_agree, digests_differ = compare_digests(reference, darkroom_digests(case_dir))
    return summarise(tree, warm, hashdeep_runs, darkroom_runs, (digests_agree, digests_differ), args.workers)


def summarise(
    tree: Tree,
    warm: Timed,
    hashdeep_runs: Sequence[Timed],
    darkroom_runs: Sequence[Timed],
    digest_check: tuple[int, int],
    workers: int | None,
) -> Result:
    best_hd = min(hashdeep_runs, key=lambda r: r.seconds)
    best_dr = min(darkroom_runs, key=lambda r: r.seconds)
    hd_rate = tree.total_bytes / MB / best_hd.seconds
    dr_rate = tree.total_bytes / MB / best_dr.seconds
    cpus = len(os.sched_getaffinity(0))
    return Result(
        tree=str(tree.root),
        tree_reused=tree.reused,
        files=tree.files,
        total_bytes=tree.total_bytes,
        nproc=cpus,
        repeat=len(darkroom_runs),
        hashdeep_version=hashdeep_version(),
        hashdeep_threads=f"default -j ({hashdeep_default_threads()} per its help)",
        darkroom_workers=str(workers) if workers is not None else "default (one per core, at least 2)",
        warmup_seconds=round(warm.seconds, 3),
        hashdeep_seconds=round(best_hd.seconds, 3),
        hashdeep_mb_s=round(hd_rate, 1),
        hashdeep_cpu_seconds=round(best_hd.cpu_seconds, 2),
        hashdeep_peak_mb=round(max(r.peak_mb for r in hashdeep_runs), 1),
        darkroom_seconds=round(best_dr.seconds, 3),
        darkroom_mb_s=round(dr_rate, 1),
        darkroom_cpu_seconds=round(best_dr.cpu_seconds, 2),
        darkroom_peak_mb=round(max(r.peak_mb for r in darkroom_runs), 1),
        ratio=round(dr_rate / hd_rate, 3),
        target_ratio=TARGET_RATIO,
        target_peak_mb=TARGET_PEAK_MB,
        digests_agree=digest_check[0],
        digests_differ=digest_check[1],
        peak_method=peak_method(),
        hashdeep_other_load=round(best_hd.other_load(cpus), 3),
        darkroom_other_load=round(best_dr.other_load(cpus), 3),
    )


# -- output ----------------------------------------------------------------------------------------


def status(message: str) -> None:
    """Progress on stderr, so `--json` leaves stdout to the result."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def fail(message: str) -> NoReturn:
    print(f"bench/intake.py: {message}", file=sys.stderr)
    raise SystemExit(1)


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def report_lines(r: Result) -> list[str]:
    reused = "reused" if r.tree_reused else "generated"
    ratio_ok = r.ratio >= r.target_ratio
    peak_ok = r.darkroom_peak_mb < r.target_peak_mb
    busy = max(r.hashdeep_other_load, r.darkroom_other_load) > NOISY_LOAD
    noisy = " - NOT QUIET: rerun when the machine is idle" if busy else ""
    check = f"{r.digests_agree} files agree" + (f", {r.digests_differ} DIFFER" if r.digests_differ else "")
    return [
        "darkroom evidence intake vs hashdeep (MD5 + SHA-1 + SHA-256)",
        f"  tree         {r.files} files, {r.total_bytes / GB:.3f} GB "
        f"({r.total_bytes / GIB:.2f} GiB), {reused}: {r.tree}",
        f"  machine      nproc {r.nproc}; page cache warmed by an untimed hashdeep pass "
        f"({r.warmup_seconds:.2f} s); best of {r.repeat}; darkroom's bytecode compiled first",
        f"  hashdeep     {r.hashdeep_version}, -c {HASHDEEP_ALGORITHMS} -r, threads: {r.hashdeep_threads}",
        f"  hashdeep     {r.hashdeep_seconds:8.2f} s {r.hashdeep_mb_s:8.1f} MB/s   "
        f"cpu {r.hashdeep_cpu_seconds:.1f} s, peak {r.hashdeep_peak_mb:.1f} MB",
        f"  darkroom     {r.darkroom_seconds:8.2f} s {r.darkroom_mb_s:8.1f} MB/s   "
        f"cpu {r.darkroom_cpu_seconds:.1f} s, peak {r.darkroom_peak_mb:.1f} MB",
        f"  darkroom     workers: {r.darkroom_workers}",
        f"  ratio        darkroom/hashdeep {r.ratio:.2f}x "
        f"({verdict(ratio_ok)} the >= {r.target_ratio}x target)",
        f"  peak memory  darkroom {r.darkroom_peak_mb:.1f} MB "
        f"({verdict(peak_ok)} the < {r.target_peak_mb:.0f} MB target; measured with {r.peak_method})",
        f"  digests      darkroom's records against hashdeep's: {check}",
        f"  other load   the rest of the machine used {r.hashdeep_other_load:.0%} of the CPUs during the "
        f"hashdeep run, {r.darkroom_other_load:.0%} during the darkroom run{noisy}",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time darkroom evidence intake against hashdeep on a generated tree.",
    )
    parser.add_argument("--size-gb", type=float, default=2.0, help="tree size in GiB, at least (default 2)")
    parser.add_argument("--mix", choices=sorted(MIXES), default="phone", help="tree content (default phone)")
    parser.add_argument(
        "--small-files", type=int, default=None, help="files of 1-64 KiB (default: the mix's)"
    )
    parser.add_argument(
        "--medium-files", type=int, default=None, help="files of 1-16 MiB (default: the mix's)"
    )
    parser.add_argument("--seed", type=int, default=20260314, help="seed of the tree's content")
    parser.add_argument("--repeat", type=int, default=1, help="timed rounds; the best is kept (default 1)")
    parser.add_argument("--workers", type=int, default=None, help="darkroom --workers (default: its own)")
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help="folder for the tree and runs (default bench/out)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)
    if args.size_gb <= 0 or (args.small_files or 0) < 0 or (args.medium_files or 0) < 0 or args.repeat < 1:
        parser.error("sizes and counts must be positive, --repeat at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result = benchmark(args)
    if args.json:
        print(json.dumps(asdict(result)))
    else:
        print("\n".join(report_lines(result)))
    return 1 if result.digests_differ else 0


if __name__ == "__main__":
    sys.exit(main())
