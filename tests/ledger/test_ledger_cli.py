"""``nianbao ledger`` against a real SQLite file, then ``nianbao export`` read back."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from ledger_builders import (
    APPLICATIONS,
    EXPECTED,
    HEADERS,
    csv_bytes,
    docx_over_limit,
    rows_for,
    xlsx,
)

from bot.cli import main
from exports import read_docx
from report.formats import CURRENT
from report.ledger import table_cells
from storage import Store

TOWN, SHORT = "某某县某某镇人民政府", "某某镇"
#: The sample ledger with one applicant type no declared wording covers.
UNUSUAL = [("个体工商户", "2024.7.1", "2024.7.10", "予以公开")]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "nianbao.db"
    with Store(path) as store:
        store.add_organisation(TOWN, short_name=SHORT)
    return path


def ledger_file(tmp_path: Path, extra: list[tuple[str, str, str, str]] | None = None) -> Path:
    path = tmp_path / "2024年依申请公开台账.xlsx"
    path.write_bytes(xlsx(rows_for(HEADERS["county"], [*APPLICATIONS, *(extra or [])])))
    return path


def run(runner: CliRunner, *args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(main, [str(a) for a in args])


def audit_count(db: Path) -> int:
    with Store(db) as store:
        org = store.find_organisation(SHORT)
        assert org is not None
        stored = store.report(org.id, 2024, create=False)
        return len(store.audit_log(stored.id)) if stored else 0


def test_a_ledger_is_shown_asked_about_mapped_applied_and_exported(
    runner: CliRunner, db: Path, tmp_path: Path
) -> None:
    ledger = ledger_file(tmp_path, UNUSUAL)
    base = ("ledger", ledger, "--org", SHORT, "--year", "2024", "--db", db)

    shown = run(runner, *base)
    assert shown.exit_code == 0, shown.output
    assert "申请人类型：C列“申请人性质”" in shown.output
    assert "台账中申请人类型写作“个体工商户”（第14行），应计入表三哪一类申请人？" in shown.output
    assert audit_count(db) == 0

    refused = run(runner, *base, "--apply")
    assert refused.exit_code == 1
    assert "还有1种写法未确定对应哪一项，未写入报告。请用 --map 确定" in refused.output
    assert audit_count(db) == 0

    applied = run(runner, *base, "--map", "个体工商户=商业企业", "--apply")
    assert applied.exit_code == 0, applied.output
    assert "已记住：本单位台账中的“个体工商户”计入“商业企业”。" in applied.output
    assert "已写入某某县某某镇人民政府 2024年报告的表三" in applied.output

    out = tmp_path / "报告.docx"
    exported = run(runner, "export", "--org", SHORT, "--year", "2024", "--db", db, "-o", out)
    assert exported.exit_code == 0, exported.output
    expected = dict(EXPECTED)
    expected["applications.new.business"] += 1
    expected["applications.granted.business"] = 1
    read = read_docx(out.read_bytes()).report
    assert {c: read.figures.get(c) for c in table_cells(CURRENT)} == {
        c: Decimal(expected.get(c, 0)) for c in table_cells(CURRENT)
    }
    # The cells themselves: table 三's first data row (一、本年新收) as Word shows it.
    rows = [r for t in docx.Document(str(out)).tables for r in t.rows]
    new_row = next(r for r in rows if r.cells[0].text.startswith("一、本年新收"))
    assert [c.text for c in new_row.cells][-7:] == ["2", "3", "1", "1", "0", "0", "7"]


def test_remembered_answers_are_not_asked_next_year(
    runner: CliRunner, db: Path, tmp_path: Path
) -> None:
    ledger = ledger_file(tmp_path, UNUSUAL)
    first = run(
        runner,
        "ledger",
        ledger,
        "--org",
        SHORT,
        "--year",
        "2024",
        "--db",
        db,
        "--map",
        "个体工商户=商业企业",
    )
    assert first.exit_code == 0, first.output
    next_year = tmp_path / "2025年台账.csv"
    next_year.write_bytes(
        csv_bytes(rows_for(HEADERS["bureau"], [("个体工商户", "2025.2.1", "2025.2.9", "同意公开")]))
    )
    later = run(runner, "ledger", next_year, "--org", SHORT, "--year", "2025", "--db", db, "--json")
    assert later.exit_code == 0, later.output
    result = json.loads(later.output)
    assert result["complete"] is True and result["questions"] == []
    assert {
        "kind": "applicant",
        "value": "个体工商户",
        "target": "business",
        "by": "remembered",
        "rows": 1,
    } in result["mappings"]


def test_json_and_explain(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    ledger = ledger_file(tmp_path)
    result = run(
        runner,
        "ledger",
        ledger,
        "--org",
        SHORT,
        "--year",
        "2024",
        "--db",
        db,
        "--json",
        "--explain",
        "applications.carried_over.total",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {c: n for c, n in data["figures"].items() if n} == EXPECTED
    assert data["explain"] == {"applications.carried_over.total": ["2024年台账!7", "2024年台账!12"]}
    assert data["applied"] is False
    text = run(
        runner,
        "ledger",
        ledger,
        "--org",
        SHORT,
        "--year",
        "2024",
        "--db",
        db,
        "--explain",
        "applications.carried_over.total",
    )
    assert "二、上年结转政府信息公开申请数量·总计：2件，来自台账第7、12行。" in text.output
    unknown = run(
        runner,
        "ledger",
        ledger,
        "--org",
        SHORT,
        "--year",
        "2024",
        "--db",
        db,
        "--explain",
        "applications.new.everyone",
    )
    assert unknown.exit_code == 1 and "不是表三中的一格" in unknown.output


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([["甲", "乙"], ["1", "2"]], "没有在台账中找到表头行"),
        ([r[:6] for r in rows_for(HEADERS["plain"])], "没有找到“答复类型（办理结果）”一栏"),
        (
            rows_for(HEADERS["plain"], [("公民", "2024.3.5", "2024.3.1", "予以公开")]),
            "早于收到申请日期",
        ),
        (
            rows_for(HEADERS["plain"], [("公民", "2024.13.5", "", "办理中")]),
            "第4行“收到申请日期”为“2024.13.5”",
        ),
    ],
)
def test_a_bad_ledger_changes_nothing(
    runner: CliRunner, db: Path, tmp_path: Path, rows: list[list[object]], words: str
) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes(csv_bytes(rows, "gb18030"))
    result = run(runner, "ledger", path, "--org", SHORT, "--year", "2024", "--db", db, "--apply")
    assert result.exit_code == 1
    assert words in result.output
    with Store(db) as store:
        org = store.find_organisation(SHORT)
        assert org is not None and store.report(org.id, 2024, create=False) is None


def test_a_ledger_of_another_year_than_year_says_which_year_it_is(
    runner: CliRunner, db: Path, tmp_path: Path
) -> None:
    shown = run(
        runner, "ledger", ledger_file(tmp_path), "--org", SHORT, "--year", "2025", "--db", db
    )
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "台账读取结果（按2025年度报告统计）"
    assert lines[1].startswith(
        "⚠️ 台账中的申请大多是2024年收到的（6件），而这里统计的是2025年度报告"
    )
    assert lines[1].endswith("如果要填的是2024年度报告，请改用 --year 2024。")
    same = run(
        runner, "ledger", ledger_file(tmp_path), "--org", SHORT, "--year", "2024", "--db", db
    )
    assert same.output.splitlines()[:2] == ["台账读取结果（按2024年度报告统计）", "识别的栏目："]


def test_a_word_ledger_the_reader_refuses_is_refused_as_a_ledger(
    runner: CliRunner, db: Path, tmp_path: Path
) -> None:
    ledger = tmp_path / "2024年依申请公开台账.docx"
    ledger.write_bytes(docx_over_limit(rows_for(HEADERS["plain"])))
    refused = run(runner, "ledger", ledger, "--org", SHORT, "--year", "2024", "--db", db)
    assert refused.exit_code == 1
    assert "这份 Word 文档的表格超过 200 张，无法作为台账读取。" in refused.output
    assert "另存为 .xlsx 或 CSV 文件后再发送" in refused.output
    assert "年度报告" not in refused.output
    assert audit_count(db) == 0


def test_an_unknown_organisation(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    result = run(
        runner, "ledger", ledger_file(tmp_path), "--org", "无此单位", "--year", "2024", "--db", db
    )
    assert result.exit_code == 1 and "未找到单位“无此单位”" in result.output
