"""Community detection at 10^4, 10^5 and 10^6 edges: darkroom's Leiden beside networkx's Louvain.

The graphs are planted partitions (a stochastic block model): `--blocks` equal blocks (default 100),
mean degree 10, each edge inside its block with probability 1 - `--mixing` (default 0.2), else to a
random node anywhere; generated with numpy from `--seed`, so every run sees the same graphs.
darkroom's step is `darkroom.network.graph.leiden_membership` with the settings the network stage
uses (igraph `community_leiden`, the objective and resolution of `CommunitySettings()`); the
reference is networkx `louvain_communities` (seeded) on the same edges, run up to `--networkx-max`
edges (default 10^5; networkx takes minutes beyond). Both are timed on the community step alone
(graph construction excluded, reported separately); NMI against the planted blocks is printed for
each so speed is not bought with quality. Rounds (`--repeat`, default 3 for graphs up to 10^5
edges, 1 above) keep the best time.

Run: `.venv/bin/python bench/network.py [--sizes 10000,100000,1000000] [--json]`, or `--quick`
(10^4 and 3x10^4 edges, one round) for a look in a few seconds. Exit code 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np

from darkroom.network.graph import leiden_membership
from darkroom.network.settings import CommunitySettings
from darkroom.synth.evaluate_network import nmi

MEAN_DEGREE = 10


def status(message: str) -> None:
    """Progress on stderr, so `--json` leaves stdout to the result."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def planted_partition(
    edge_count: int, blocks: int, mixing: float, seed: int
) -> tuple[int, np.ndarray, np.ndarray]:
    """(vertex count, edges as an (m, 2) int array without loops or duplicates, block of each vertex)."""
    rng = np.random.default_rng(seed)
    vertices = max(blocks * 2, 2 * edge_count // MEAN_DEGREE)
    block = np.arange(vertices) % blocks
    size = vertices // blocks
    pairs = np.empty((0, 2), dtype=np.int64)
    while len(pairs) < edge_count:  # duplicates and loops are dropped, so draw until there are enough
        drawn = edge_count + 16
        sources = rng.integers(0, vertices, drawn)
        inside = rng.random(drawn) >= mixing
        same_block = block[sources] + blocks * rng.integers(0, size, drawn)
        targets = np.where(inside, same_block, rng.integers(0, vertices, drawn))
        more = np.sort(np.stack([sources, targets], axis=1), axis=1)
        pairs = np.unique(np.concatenate([pairs, more[more[:, 0] != more[:, 1]]]), axis=0)
    pairs = pairs[rng.permutation(len(pairs))[:edge_count]]
    return vertices, pairs, block


def time_darkroom(vertices: int, pairs: np.ndarray, repeat: int) -> tuple[float, list[int]]:
    edges = [(int(a), int(b)) for a, b in pairs]
    weights = [1.0] * len(edges)
    best, membership = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        membership, _quality = leiden_membership(vertices, edges, weights, CommunitySettings())
        best = min(best, time.perf_counter() - started)
    return best, membership


def time_networkx(vertices: int, pairs: np.ndarray, repeat: int, seed: int) -> tuple[float, float, list[int]]:
    started = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(vertices))
    graph.add_edges_from((int(a), int(b)) for a, b in pairs)
    build_s = time.perf_counter() - started
    best, communities = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        communities = nx.community.louvain_communities(graph, seed=seed)
        best = min(best, time.perf_counter() - started)
    membership = [0] * vertices
    for number, members in enumerate(communities):
        for vertex in members:
            membership[vertex] = number
    return best, build_s, membership


def run_size(edge_count: int, args: argparse.Namespace) -> dict[str, Any]:
    vertices, pairs, block = planted_partition(edge_count, args.blocks, args.mixing, args.seed)
    repeat = args.repeat if edge_count <= 100_000 else 1
    truth = block.tolist()
    status(f"{len(pairs):,} edges, {vertices:,} vertices: darkroom (igraph Leiden) …")
    darkroom_s, membership = time_darkroom(vertices, pairs, repeat)
    row: dict[str, Any] = {
        "edges": len(pairs),
        "vertices": vertices,
        "rounds": repeat,
        "darkroom_s": darkroom_s,
        "darkroom_communities": len(set(membership)),
        "darkroom_nmi": nmi(truth, membership),
    }
    if len(pairs) <= args.networkx_max:
        status(f"{len(pairs):,} edges: networkx louvain …")
        louvain_s, build_s, louvain = time_networkx(vertices, pairs, repeat, args.seed)
        row |= {
            "networkx_s": louvain_s,
            "networkx_graph_build_s": build_s,
            "networkx_communities": len(set(louvain)),
            "networkx_nmi": nmi(truth, louvain),
            "speedup": louvain_s / darkroom_s if darkroom_s > 0 else None,
        }
    return row


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="edge counts, comma-separated")
    parser.add_argument("--blocks", type=int, default=100)
    parser.add_argument("--mixing", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--networkx-max", type=int, default=100_000, help="largest graph networkx runs on")
    parser.add_argument("--quick", action="store_true", help="10^4 and 3x10^4 edges, one round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = "10000,30000", 1
    return args


def lines(report: dict[str, Any]) -> list[str]:
    settings = report["settings"]
    out = [
        f"machine: nproc {report['nproc']}, load average {report['load_average_at_start'][0]:.2f} at start, "
        f"{report['load_average_at_end'][0]:.2f} at end",
        f"planted partition: {report['blocks']} blocks, mean degree {MEAN_DEGREE}, "
        f"mixing {report['mixing']}; "
        f"darkroom Leiden: {settings['objective']}, resolution {settings['resolution']}",
        f"{'edges':>10} {'darkroom s':>11} {'NMI':>6} {'networkx s':>11} {'NMI':>6} {'speed-up':>9}",
    ]
    for row in report["sizes"]:
        networkx = (
            f"{row['networkx_s']:>11.3f} {row['networkx_nmi']:>6.3f} {row['speedup']:>8.1f}x"
            if "networkx_s" in row
            else f"{'not run':>11} {'':>6} {'':>9}"
        )
        out.append(f"{row['edges']:>10,} {row['darkroom_s']:>11.3f} {row['darkroom_nmi']:>6.3f} {networkx}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "load_average_at_start": os.getloadavg(),
        "blocks": args.blocks,
        "mixing": args.mixing,
        "settings": CommunitySettings().as_dict(),
    }
    leiden_membership(3, [(0, 1), (1, 2)], [1.0, 1.0], CommunitySettings())  # import igraph before timing
    report["sizes"] = [run_size(int(size), args) for size in args.sizes.split(",")]
    report["load_average_at_end"] = os.getloadavg()
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print("\n".join(lines(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
