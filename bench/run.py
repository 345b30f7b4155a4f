"""The benchmark: handbook's writers against bare WeasyPrint and pandoc, in one run.

For each size it builds a synthetic handbook (bench/generate.py) and measures, each in a
fresh process, wall time and peak memory (largest single process and all processes of the
tree together, sampled every 20 ms with psutil):

  handbook build -f html | -f pdf | -f docx | --each-role
  bare WeasyPrint on the exact HTML handbook writes  (HTML(filename=…).write_pdf(…))
  pandoc converting the same HTML to DOCX

It prints the ratios (project ÷ peer) and the growth between the two largest sizes, and
writes build/bench/results.json. ``--quick`` runs the small sizes only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
HANDBOOK = [sys.executable, "-m", "handbook"]
BARE_WEASYPRINT = ("import sys, weasyprint; "
                   "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])")


def measure(command: list[str], cwd: Path) -> dict:
    """Run ``command``; wall seconds, peak RSS of its largest process and of the tree."""
    start = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    largest = total = 0
    while process.poll() is None:
        tree = [process]
        with contextlib.suppress(psutil.Error):
            tree += process.children(recursive=True)
        sizes = []
        for member in tree:
            try:
                sizes.append(member.memory_info().rss)
            except psutil.Error:
                continue
        if sizes:
            largest, total = max(largest, max(sizes)), max(total, sum(sizes))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return {"seconds": round(seconds, 2), "rss_max_mb": round(largest / 2**20, 1),
            "rss_total_mb": round(total / 2**20, 1)}


def run_size(positions: int) -> dict:
    content = OUT / "content" / f"synthetic-{positions}"
    if not (content / "handbook.yml").exists():
        shutil.rmtree(content, ignore_errors=True)
        generate(positions, content)
    out = OUT / f"out-{positions}"
    name = content.name
    result: dict = {"positions": positions}
    for fmt in ("html", "pdf", "docx"):
        result[fmt] = measure([*HANDBOOK, "build", str(content), "-f", fmt, "-o", str(out)], ROOT)
    html, pdf = out / f"{name}.html", out / f"{name}.pdf"
    result["pdf"]["bytes"] = pdf.stat().st_size
    bare_pdf = out / "bare-weasyprint.pdf"
    result["bare_weasyprint"] = measure([sys.executable, "-c", BARE_WEASYPRINT, str(html),
                                         str(bare_pdf)], ROOT)
    result["bare_weasyprint"]["bytes"] = bare_pdf.stat().st_size
    if shutil.which("pandoc"):
        result["pandoc_docx"] = measure(["pandoc", str(html), "-o", str(out / "pandoc.docx")],
                                        ROOT)
    result["each_role"] = measure([*HANDBOOK, "build", str(content), "--each-role", "-f", "pdf",
                                   "-o", str(out / "each")], ROOT)
    return result


def ratios(result: dict) -> dict:
    bare = result["bare_weasyprint"]
    pdf = result["pdf"]
    table = {
        "pdf_time": pdf["seconds"] / bare["seconds"],
        "pdf_rss_largest": pdf["rss_max_mb"] / bare["rss_max_mb"],
        "pdf_rss_total": pdf["rss_total_mb"] / bare["rss_max_mb"],
        "pdf_size": pdf["bytes"] / bare["bytes"],
        "each_role_vs_pdf": result["each_role"]["seconds"] / pdf["seconds"],
    }
    if "pandoc_docx" in result:
        table["docx_time"] = result["docx"]["seconds"] / result["pandoc_docx"]["seconds"]
    return {key: round(value, 3) for key, value in table.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description="handbook benchmark")
    parser.add_argument("--quick", action="store_true", help="50 and 200 positions only")
    parser.add_argument("--sizes", type=int, nargs="*")
    args = parser.parse_args()
    sizes = args.sizes or ([50, 200] if args.quick else [50, 200, 800])
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for positions in sizes:
        print(f"-- {positions} positions", flush=True)
        result = run_size(positions)
        result["ratios"] = ratios(result)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "results": results,
    }
    if len(results) >= 2:
        small, large = results[-2], results[-1]
        report["growth"] = {
            "positions": f"{small['positions']} → {large['positions']}",
            "pdf_time": round(large["pdf"]["seconds"] / small["pdf"]["seconds"], 2),
        }
    (OUT / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    _print_table(report)


def _print_table(report: dict) -> None:
    print(f"\n{'positions':>9} {'pdf s':>7} {'bare s':>7} {'time':>6} {'rss max':>8} "
          f"{'rss all':>8} {'size':>6} {'docx÷pandoc':>12} {'each÷pdf':>9}")
    for result in report["results"]:
        r = result["ratios"]
        print(f"{result['positions']:>9} {result['pdf']['seconds']:>7} "
              f"{result['bare_weasyprint']['seconds']:>7} {r['pdf_time']:>6} "
              f"{r['pdf_rss_largest']:>8} {r['pdf_rss_total']:>8} {r['pdf_size']:>6} "
              f"{r.get('docx_time', '-'):>12} {r['each_role_vs_pdf']:>9}")
    if "growth" in report:
        print(f"growth {report['growth']['positions']}: {report['growth']['pdf_time']}×")


if __name__ == "__main__":
    main()
