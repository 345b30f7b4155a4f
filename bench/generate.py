"""Deterministic synthetic handbooks for the benchmark: realistic Chinese HR content.

``python bench/generate.py 800 build/bench/content/synthetic-800`` writes a handbook of 800
positions whose duty lengths, requirement lists and KPIs look like the examples' (about
1.3 printed pages per position), the same bytes on every run.

``--wide`` gives the growth benchmark's shape instead: as many departments as one per 33
positions (60 at 2,000), three levels in each (head, three leads, staff) and a dotted line from
one position in 40 to a lead of another department (50 at 2,000), so 500 and 2,000 positions
differ in size only and every step should grow linearly between them.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

VERBS = ["制定", "组织", "负责", "跟进", "分析", "优化", "协调", "审核", "监督", "维护", "编制",
         "落实", "统筹", "推动", "评估", "汇总"]
OBJECTS = ["店铺运营计划", "推广投放方案", "商品上新节奏", "活动报名与执行", "客服服务标准",
           "库存周转与补货", "数据报表口径", "供应商合作关系", "会员运营策略", "详情页视觉规范",
           "直通车关键词出价", "钻展素材与定向", "售后退换货流程", "大促备货计划",
           "团队培训与考核", "成本预算执行", "竞品动态监测", "内容种草选题"]
PURPOSES = ["提升店铺转化率", "降低推广成本", "保障发货时效", "提高顾客满意度",
            "确保数据准确", "达成月度销售目标", "控制库存风险", "提升团队效率",
            "增强品牌影响力", "减少差评与投诉"]
FREQUENCIES = ["每日", "每周", "每月", "每季度", None]
TITLES = ["运营", "推广", "商品", "美工", "策划", "客服", "仓储", "数据", "分销", "内容",
          "直播", "采购", "质检", "会员", "活动"]
LEVELS = ["经理", "主管", "专员", "助理"]
SKILLS = ["熟悉淘宝、天猫、京东平台规则", "熟练使用 Excel 数据透视表", "掌握 Photoshop 设计",
          "了解直通车与钻展投放", "具备文案写作能力", "熟悉 ERP 与仓储系统",
          "具备良好的沟通协调能力", "能承受大促期间的工作压力"]
KPI_NAMES = ["销售额达成率", "推广投入产出比", "转化率", "客单价", "发货及时率",
             "顾客满意度", "库存周转天数", "差评率", "活动报名成功率", "数据报表准确率"]


def _duty(rng: random.Random) -> str:
    parts = [rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.7:
        parts += ["，", rng.choice(VERBS), rng.choice(OBJECTS)]
    parts += ["，", rng.choice(PURPOSES)]
    return "".join(parts)


def _shares(rng: random.Random, count: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, 20), count - 1))
    fives = [b - a for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
    return [f * 5 for f in fives]


def _role(rng: random.Random, number: int, department: str, title: str,
          manager: str | None) -> dict:
    duties_count = rng.randint(5, 8)
    shares = _shares(rng, duties_count)
    headcount = rng.choice([1, 1, 1, 2, 3, 4])
    role: dict = {
        "title": title,
        "code": f"SYN-{number:04d}",
        "department": department,
        **({"reports_to": manager} if manager else {}),
        "headcount": headcount,
        "filled": max(headcount - rng.choice([0, 0, 0, 1]), 0),
        "grade": rng.choice(["P1", "P2", "P3", "M1", "M2"]),
        "location": rng.choice(["杭州", "上海", "广州"]),
        "employment_type": "全职",
        "summary": f"负责{rng.choice(OBJECTS)}相关工作，{rng.choice(PURPOSES)}，"
                   f"并配合上级完成{rng.choice(OBJECTS)}。",
        "duties": [
            {"text": _duty(rng), "share": share,
             **({"frequency": f} if (f := rng.choice(FREQUENCIES)) else {})}
            for share in shares
        ],
        "requirements": {
            "education": rng.choice(["大专及以上学历", "本科及以上学历"]),
            "experience": f"{rng.randint(1, 5)} 年以上电商相关工作经验",
            "skills": rng.sample(SKILLS, 3),
            "other": rng.sample(SKILLS, 2),
        },
        "kpis": [{"name": name, "target": f"≥ {rng.randint(80, 99)}%", "weight": weight}
                 for name, weight in zip(rng.sample(KPI_NAMES, 4), [40, 30, 20, 10],
                                         strict=True)],
        "competencies": rng.sample(["数据分析", "沟通协调", "执行力", "团队协作", "创新思维"], 3),
    }
    return role


def generate(positions: int, target: Path, seed: int = 2026, *, wide: bool = False) -> Path:
    """Write a handbook with exactly ``positions`` roles into ``target`` (``wide``: the growth
    benchmark's shape, in the module docstring)."""
    rng = random.Random(seed)
    sizes = _department_sizes(positions - 1, round(positions * 3 / 100)) if wide else None
    departments = []
    roles: dict[str, dict] = {}
    roles["ceo"] = _role(rng, 0, "hq", "电商事业部总经理", None)
    departments.append({"id": "hq", "name": "电商事业部", "head": "ceo",
                        "function": "统筹电商事业部的经营目标、预算与组织建设。"})
    number = 1
    dept_index = 0
    while number < positions:
        dept_index += 1
        dept_id = f"dept-{dept_index:02d}"
        area = TITLES[dept_index % len(TITLES)]
        head_id = f"{dept_id}-head"
        departments.append({"id": dept_id, "name": f"{area}{dept_index}部", "parent": "hq",
                            "head": head_id,
                            "function": f"负责{area}相关业务，{rng.choice(PURPOSES)}，"
                                        f"{rng.choice(PURPOSES)}。"})
        roles[head_id] = _role(rng, number, dept_id, f"{area}{LEVELS[0]}", "ceo")
        number += 1
        leads: list[str] = []
        per_department = sizes[dept_index - 1] if sizes else 20
        for slot in range(per_department - 1):
            if number >= positions:
                break
            role_id = f"{dept_id}-r{slot:02d}"
            if slot < 3:
                title, manager = f"{area}{LEVELS[1]}（{slot + 1}组）", head_id
                leads.append(role_id)
            else:
                title = f"{area}{rng.choice(LEVELS[2:])}{slot:02d}"
                manager = leads[slot % len(leads)]
            roles[role_id] = _role(rng, number, dept_id, title, manager)
            number += 1
    if wide:
        _dotted_lines(random.Random(seed + 1), roles, positions // 40)
    handbook = {
        "title": f"电商事业部岗位说明书（{positions} 个岗位）",
        "organization": "星河电子商务有限公司",
        "language": "zh-Hans",
        "document": {"number": f"BENCH-{positions}", "version": "1.0",
                     "effective": "2026-01-01", "prepared_by": "基准测试"},
        "revisions": [{"version": "1.0", "date": "2026-01-01", "changes": "基准测试生成"}],
        "intro": "本手册由基准测试程序生成，内容为模拟数据。",
        "departments": departments,
    }
    (target / "roles").mkdir(parents=True, exist_ok=True)
    _dump(target / "handbook.yml", handbook)
    for role_id, role in roles.items():
        _dump(target / "roles" / f"{role_id}.yml", role)
    return target


def _department_sizes(positions: int, departments: int) -> list[int]:
    """``positions`` shared as evenly as whole numbers allow among ``departments``."""
    count = max(1, departments)
    return [positions // count + (1 if i < positions % count else 0) for i in range(count)]


def _dotted_lines(rng: random.Random, roles: dict[str, dict], count: int) -> None:
    """``count`` staff positions get a dotted line to a lead of another department."""
    leads = [i for i in roles if i.endswith(("-r00", "-r01", "-r02"))]
    staff = [i for i in roles if "-r" in i and i not in leads]
    for role_id in rng.sample(staff, min(count, len(staff))):
        department = roles[role_id]["department"]
        roles[role_id]["dotted_line_to"] = [rng.choice(
            [lead for lead in leads if roles[lead]["department"] != department])]


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200),
                    encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("positions", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--wide", action="store_true",
                        help="the growth benchmark's shape: departments of ~33, dotted lines")
    args = parser.parse_args()
    generate(args.positions, args.target, wide=args.wide)


if __name__ == "__main__":
    main()
