"""The benchmark: handbook's writers against bare WeasyPrint and pandoc, in one run.

For each size it builds a synthetic handbook (bench/generate.py) and measures, each in a
fresh process, wall time and peak memory (largest single process and all processes of the
tree together, sampled every 20 ms with psutil):

  handbook build -f html | -f pdf | -f pdf --single-pass | -f docx (with and without the
  TOC page numbers' LibreOffice pass) | --each-role (the PDFs cold: --no-cache)
  the PDF with the build cache: filling it, an unchanged rebuild, one duty edited
  bare WeasyPrint on the exact HTML handbook writes  (HTML(filename=…).write_pdf(…))
  the tagged build (--pdf-variant pdf/ua-1) and bare WeasyPrint's tagged pass on that HTML
  pandoc converting the same HTML to DOCX
  handbook check, and handbook diff against a copy with one duty and one title edited (two
  directories, and the same edit against the git revision it was committed in)
  the live preview's start-up and its rebuild after each of those edits (bench/preview.py)

It prints the ratios (project ÷ peer), how many cores --each-role kept busy (CPU seconds of
the whole tree ÷ wall seconds), the growth between the two largest sizes and the targets
of the largest size, and writes build/bench/results.json. ``--quick`` runs the small sizes
only.

Growth: every step (check, HTML, PDF, DOCX) is also timed on two handbooks of the same shape
(``generate.py --wide``: departments of 33 positions, dotted lines across them) at 500 and
2,000 positions, and its growth 500 → 2,000 is checked against linear (≤ 4.4×).
``--growth`` runs only that.
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
from preview import edit_duty, edit_title, edited_copy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
HANDBOOK = [sys.executable, "-m", "handbook"]
BARE_WEASYPRINT = ("import sys, weasyprint; "
                   "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])")
BARE_WEASYPRINT_TAGGED = BARE_WEASYPRINT.replace("(sys.argv[2])",
                                                 "(sys.argv[2], pdf_variant='pdf/ua-1')")


def measure(command: list[str], cwd: Path) -> dict:
    """Run ``command``; wall seconds, CPU seconds of the whole process tree, peak RSS of its
    largest process and of the tree."""
    start = time.perf_counter()
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    largest = total = 0
    cpu: dict[int, float] = {}  # the last CPU time seen of every process of the tree
    while process.poll() is None:
        tree = [process]
        with contextlib.suppress(psutil.Error):
            tree += process.children(recursive=True)
        sizes = []
        for member in tree:
            try:
                sizes.append(member.memory_info().rss)
                times = member.cpu_times()
                cpu[member.pid] = times.user + times.system
            except psutil.Error:
                continue
        if sizes:
            largest, total = max(largest, max(sizes)), max(total, sum(sizes))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    return {"seconds": round(seconds, 2), "cpu_seconds": round(sum(cpu.values()), 2),
            "rss_max_mb": round(largest / 2**20, 1), "rss_total_mb": round(total / 2**20, 1)}


def run_size(positions: int) -> dict:
    content = OUT / "content" / f"synthetic-{positions}"
    if not (content / "handbook.yml").exists():
        shutil.rmtree(content, ignore_errors=True)
        generate(positions, content)
    out = OUT / f"out-{positions}"
    name = content.name
    result: dict = {"positions": positions}
    result["html"] = measure([*HANDBOOK, "build", str(content), "-f", "html", "-o", str(out)],
                             ROOT)
    result["pdf"] = measure([*HANDBOOK, "build", str(content), "-f", "pdf", "-o", str(out),
                             "--no-cache"], ROOT)
    result.update(cached_builds(content, out))
    # The writer against pandoc (neither lays out pages); the TOC page numbers' LibreOffice
    # pass, on by default, is measured on its own.
    result["docx"] = measure([*HANDBOOK, "build", str(content), "-f", "docx",
                              "--no-page-numbers", "-o", str(out)], ROOT)
    result["docx_page_numbers"] = measure([*HANDBOOK, "build", str(content), "-f", "docx",
                                           "-o", str(out / "numbered")], ROOT)
    html, pdf = out / f"{name}.html", out / f"{name}.pdf"
    result["pdf"]["bytes"] = pdf.stat().st_size
    single = out / "single-pass"
    result["pdf_single_pass"] = measure([*HANDBOOK, "build", str(content), "-f", "pdf",
                                         "--single-pass", "--no-cache", "-o", str(single)],
                                        ROOT)
    bare_pdf = out / "bare-weasyprint.pdf"
    result["bare_weasyprint"] = measure([sys.executable, "-c", BARE_WEASYPRINT, str(html),
                                         str(bare_pdf)], ROOT)
    result["bare_weasyprint"]["bytes"] = bare_pdf.stat().st_size
    result["pdf_tagged"] = measure([*HANDBOOK, "build", str(content), "-f", "pdf",
                                    "--pdf-variant", "pdf/ua-1", "--no-cache",
                                    "-o", str(out / "tagged")],
                                   ROOT)
    result["bare_weasyprint_tagged"] = measure(
        [sys.executable, "-c", BARE_WEASYPRINT_TAGGED, str(html), str(out / "bare-tagged.pdf")],
        ROOT)
    if shutil.which("pandoc"):
        result["pandoc_docx"] = measure(["pandoc", str(html), "-o", str(out / "pandoc.docx")],
                                        ROOT)
    result["each_role"] = measure([*HANDBOOK, "build", str(content), "--each-role", "-f", "pdf",
                                   "--no-cache", "-o", str(out / "each")], ROOT)
    result["check"] = measure([*HANDBOOK, "check", str(content)], ROOT)
    edited = edited_copy(content, OUT / "content" / f"{name}-edited")
    result["diff"] = measure([*HANDBOOK, "diff", str(content), str(edited)], ROOT)
    committed = committed_copy(content, OUT / "content" / f"{name}-git")
    result["diff_git"] = measure([*HANDBOOK, "diff", "HEAD", str(committed)], ROOT)
    result["preview"] = _preview(content)
    return result


def committed_copy(content: Path, target: Path) -> Path:
    """``content`` committed in a new git repository, then edited as ``edited_copy`` edits
    it, so that ``diff HEAD`` compares the same two versions read from git."""
    shutil.rmtree(target, ignore_errors=True)
    handbook = target / content.name
    shutil.copytree(content, handbook)
    for args in (["init", "-q"], ["add", "."],
                 ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit",
                  "-qm", "bench"]):
        subprocess.run(["git", "-C", str(target), *args], check=True)
    edit_duty(handbook)
    edit_title(handbook)
    return handbook


def cached_builds(content: Path, out: Path) -> dict:
    """The PDF build filling an empty cache, rebuilt unchanged, and rebuilt after one duty
    of one position was edited (in place: the cache's keys hold the handbook's path)."""
    cache = out / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    command = [*HANDBOOK, "build", str(content), "-f", "pdf", "-o", str(out / "cached"),
               "--cache", str(cache)]
    result = {"pdf_cache_fill": measure(command, ROOT),
              "pdf_unchanged": measure(command, ROOT)}
    roles = sorted((content / "roles").glob("*.yml"))
    role = roles[len(roles) // 2]
    original = role.read_text(encoding="utf-8")
    duty = original.index("- text: ") + len("- text: ")
    role.write_text(original[:duty] + "（本次修订）" + original[duty:], encoding="utf-8")
    try:
        result["pdf_one_edit"] = measure(command, ROOT)
    finally:
        role.write_text(original, encoding="utf-8")
    return result


def _preview(content: Path) -> dict:
    """``serve``'s start-up and rebuild after a duty edit and a title edit (bench/preview.py,
    in a fresh process; the Preview object, no browser)."""
    done = subprocess.run([sys.executable, str(Path(__file__).parent / "preview.py"),
                           str(content)], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed: preview of {content}\n{done.stderr}")
    return json.loads(done.stdout)


GROWTH_SIZES = (500, 2000)
GROWTH_STEPS = {"check": ["check"], "html": ["build", "-f", "html"],
                "pdf": ["build", "-f", "pdf", "--no-cache"],
                "docx": ["build", "-f", "docx", "--no-page-numbers"]}


def run_growth(sizes: tuple[int, ...] = GROWTH_SIZES) -> dict:
    """Each step timed at each size on the --wide shape; growth from the first to the last."""
    timings: dict[str, dict[int, dict]] = {step: {} for step in GROWTH_STEPS}
    for positions in sizes:
        content = OUT / "content" / f"wide-{positions}"
        if not (content / "handbook.yml").exists():
            shutil.rmtree(content, ignore_errors=True)
            generate(positions, content, wide=True)
        out = OUT / f"out-wide-{positions}"
        for step, args in GROWTH_STEPS.items():
            command = [*HANDBOOK, args[0], str(content), *args[1:]]
            if args[0] == "build":
                command += ["-o", str(out)]
            timings[step][positions] = measure(command, ROOT)
            print(f"  {positions:>5} {step:<5} {timings[step][positions]['seconds']:>7} s",
                  flush=True)
    small, large = sizes[0], sizes[-1]
    growth = {step: round(t[large]["seconds"] / t[small]["seconds"], 2)
              for step, t in timings.items()}
    return {"positions": f"{small} → {large}", "timings": timings, "growth": growth}


def ratios(result: dict) -> dict:
    bare = result["bare_weasyprint"]
    pdf = result["pdf"]
    table = {
        "pdf_time": pdf["seconds"] / bare["seconds"],
        "pdf_rss_largest": pdf["rss_max_mb"] / bare["rss_max_mb"],
        "pdf_rss_total": pdf["rss_total_mb"] / bare["rss_max_mb"],
        "pdf_size": pdf["bytes"] / bare["bytes"],
        "single_pass_time": result["pdf_single_pass"]["seconds"] / bare["seconds"],
        "tagged_time": (result["pdf_tagged"]["seconds"]
                        / result["bare_weasyprint_tagged"]["seconds"]),
        "each_role_vs_pdf": result["each_role"]["seconds"] / pdf["seconds"],
        "each_role_cores": result["each_role"]["cpu_seconds"] / result["each_role"]["seconds"],
        "cache_fill_vs_pdf": result["pdf_cache_fill"]["seconds"] / pdf["seconds"],
        "unchanged_vs_pdf": result["pdf_unchanged"]["seconds"] / pdf["seconds"],
        "one_edit_vs_pdf": result["pdf_one_edit"]["seconds"] / pdf["seconds"],
    }
    if "pandoc_docx" in result:
        table["docx_time"] = result["docx"]["seconds"] / result["pandoc_docx"]["seconds"]
    return {key: round(value, 3) for key, value in table.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description="handbook benchmark")
    parser.add_argument("--quick", action="store_true", help="50 and 200 positions only")
    parser.add_argument("--sizes", type=int, nargs="*")
    parser.add_argument("--growth", action="store_true",
                        help="only the growth of every step, 500 → 2,000 positions")
    args = parser.parse_args()
    sizes = [] if args.growth else args.sizes or ([50, 200] if args.quick else [50, 200, 800])
    OUT.mkdir(parents=True, exist_ok=True)
    growth = None
    if args.growth or not (args.quick or args.sizes):
        print(f"-- growth, {' and '.join(map(str, GROWTH_SIZES))} positions", flush=True)
        growth = run_growth()
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
    if growth:
        report["step_growth"] = growth
    if len(results) >= 2:
        small, large = results[-2], results[-1]
        report["growth"] = {
            "positions": f"{small['positions']} → {large['positions']}",
            "pdf_time": round(large["pdf"]["seconds"] / small["pdf"]["seconds"], 2),
        }
    (OUT / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    if growth:
        _print_growth(growth)
    if results:
        _print_table(report)


def _print_growth(growth: dict) -> None:
    """Each step's seconds at both sizes and its growth, against the issue's 4.4× must."""
    small, large = (int(n) for n in growth["positions"].split(" → "))
    print(f"\n{'step':<6} {f'{small} s':>8} {f'{large} s':>8} {'growth':>7}")
    for step, times in growth["timings"].items():
        factor = growth["growth"][step]
        print(f"{step:<6} {times[small]['seconds']:>8} {times[large]['seconds']:>8} "
              f"{factor:>6}×  {'met ' if factor <= 4.4 else 'MISSED'}  ≤ 4.4×")


def _print_table(report: dict) -> None:
    print(f"\n{'positions':>9} {'pdf s':>7} {'bare s':>7} {'time':>6} {'1-pass':>7} "
          f"{'rss max':>8} {'rss all':>8} {'size':>6} {'docx÷pandoc':>12} {'each÷pdf':>9} "
          f"{'each cores':>10} {'docx+toc s':>10} {'unchanged':>9} {'1 edit':>7}")
    for result in report["results"]:
        r = result["ratios"]
        print(f"{result['positions']:>9} {result['pdf']['seconds']:>7} "
              f"{result['bare_weasyprint']['seconds']:>7} {r['pdf_time']:>6} "
              f"{r['single_pass_time']:>7} {r['pdf_rss_largest']:>8} {r['pdf_rss_total']:>8} "
              f"{r['pdf_size']:>6} {r.get('docx_time', '-'):>12} {r['each_role_vs_pdf']:>9} "
              f"{r['each_role_cores']:>10} {result['docx_page_numbers']['seconds']:>10} "
              f"{r['unchanged_vs_pdf']:>9} {r['one_edit_vs_pdf']:>7}")
    for result in report["results"]:
        r = result["ratios"]
        print(f"{result['positions']:>9} tagged (pdf/ua-1): {result['pdf_tagged']['seconds']} s"
              f", bare WeasyPrint tagged {result['bare_weasyprint_tagged']['seconds']} s: "
              f"{r['tagged_time']}× (untagged {r['pdf_time']}×)")
    if "growth" in report:
        print(f"growth {report['growth']['positions']}: {report['growth']['pdf_time']}×")
    print(f"\n{'positions':>9} {'check s':>8} {'diff s':>7} {'diff git s':>10} "
          f"{'serve start':>11} {'duty edit':>9} {'title edit':>10}")
    for result in report["results"]:
        shown = result["preview"]
        print(f"{result['positions']:>9} {result['check']['seconds']:>8} "
              f"{result['diff']['seconds']:>7} {result['diff_git']['seconds']:>10} "
              f"{shown['start']['seconds']:>11} "
              f"{shown['duty_edit']['seconds']:>9} {shown['title_edit']['seconds']:>10}")
    _print_targets(report)


def _print_targets(report: dict) -> None:
    """The issue's "must" column, for the largest size measured."""
    r = report["results"][-1]["ratios"]
    cores = report["machine"]["cpus"] or 1
    checks = [("PDF time ÷ bare WeasyPrint ≤ 0.75", r["pdf_time"] <= 0.75),
              ("PDF peak memory, largest process ÷ bare ≤ 0.5", r["pdf_rss_largest"] <= 0.5),
              ("PDF peak memory, all processes ÷ bare ≤ 0.8", r["pdf_rss_total"] <= 0.8),
              ("PDF size ÷ bare ≤ 1.5", r["pdf_size"] <= 1.5),
              ("tagged PDF time ÷ bare WeasyPrint tagged ≤ 0.8", r["tagged_time"] <= 0.8),
              ("--each-role keeps every core busy (≥ 90 %)", r["each_role_cores"] >= 0.9 * cores)]
    if "docx_time" in r:
        checks.append(("DOCX time ÷ pandoc ≤ 0.5", r["docx_time"] <= 0.5))
    checks += [("unchanged rebuild ÷ cold PDF build ≤ 0.1", r["unchanged_vs_pdf"] <= 0.1),
               ("one position edited ÷ cold PDF build ≤ 0.2", r["one_edit_vs_pdf"] <= 0.2)]
    if "growth" in report:
        checks.append(("time growth ≤ 4.4×", report["growth"]["pdf_time"] <= 4.4))
    largest = report["results"][-1]
    if largest["positions"] >= 800:
        checks += [("diff of two versions < 2 s", largest["diff"]["seconds"] < 2),
                   ("diff against a git revision < 2 s", largest["diff_git"]["seconds"] < 2)]
    if largest["positions"] >= 2000:
        shown = largest["preview"]
        checks += [("serve start-up ≤ 5 s", shown["start"]["seconds"] <= 5),
                   ("serve: any single edit shown ≤ 1 s",
                    max(shown["duty_edit"]["seconds"], shown["title_edit"]["seconds"]) <= 1)]
    print(f"\ntargets at {report['results'][-1]['positions']} positions:")
    for label, met in checks:
        print(f"  {'met ' if met else 'MISSED'}  {label}")


if __name__ == "__main__":
    main()
