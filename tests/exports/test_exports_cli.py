"""``nianbao check``, ``import`` and ``export`` on real files and a real database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from exports_helpers import ORGANISATION, SEED_TEXT, all_values, valid_report

from bot.cli import main
from exports import read_docx, write_docx
from report.formats import CURRENT, LEGACY
from storage import Store

SHORT_NAME = "赣州经开区蟠龙镇"  # how the seed's title names it


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    return CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A county's inbox: a good text, a good DOCX, a text with a slip, a broken cell, a photo."""
    lines = SEED_TEXT.split("\n")
    row = lines.index("\t一、本年新收政府信息公开申请数量")
    slipped = [*lines[: row + 1], "\t3", *lines[row + 2 :]]
    unreadable = [*lines[: row + 2], "\t约5件", *lines[row + 3 :]]
    paths = {
        "seed": tmp_path / "蟠龙镇.txt",
        "docx": tmp_path / "某镇.docx",
        "slipped": tmp_path / "错一个数.txt",
        "unreadable": tmp_path / "看不清.txt",
        "photo": tmp_path / "照片.docx",
    }
    paths["seed"].write_text(SEED_TEXT, encoding="utf-8")
    report = valid_report(CURRENT, 2023, seed=41, organisation="某县某镇人民政府")
    paths["docx"].write_bytes(write_docx(report, issued=date(2024, 1, 10)))
    paths["slipped"].write_text("\n".join(slipped), encoding="utf-8")
    paths["unreadable"].write_text("\n".join(unreadable), encoding="utf-8")
    paths["photo"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    return paths


def test_check_passes_good_reports_with_exit_status_0(
    runner: CliRunner, files: dict[str, Path]
) -> None:
    result = runner.invoke(main, ["check", str(files["seed"]), str(files["docx"])])
    assert result.exit_code == 0, result.output
    assert result.output.count("结论：未发现") == 2
    assert "共检查 2 份：2 份未发现错误，0 份有错误" in result.output


def test_check_names_every_broken_rule_with_its_numbers_and_fails(
    runner: CliRunner, files: dict[str, Path]
) -> None:
    result = runner.invoke(main, ["check", *(str(p) for p in files.values())])
    assert result.exit_code == 1
    sections = result.output.split("【")
    slipped = next(s for s in sections if s.startswith(str(files["slipped"])))
    assert "错误" in slipped and "“自然人”栏" in slipped and "为 3" in slipped
    unreadable = next(s for s in sections if s.startswith(str(files["unreadable"])))
    assert (
        "未能读取 1 处" in unreadable and "表三 第4行 第3列" in unreadable and "约5件" in unreadable
    )
    photo = next(s for s in sections if s.startswith(str(files["photo"])))
    assert "图片文件" in photo
    assert "共检查 5 份：2 份未发现错误，3 份有错误（其中 1 份无法读取）" in result.output


def test_check_json_is_for_machines(runner: CliRunner, files: dict[str, Path]) -> None:
    result = runner.invoke(
        main, ["check", "--json", str(files["seed"]), str(files["slipped"]), str(files["photo"])]
    )
    assert result.exit_code == 1
    seed, slipped, photo = json.loads(result.output)
    assert seed["ok"] is True and seed["violations"] == [] and seed["problems"] == []
    assert (seed["organisation"], seed["year"], seed["format"]) == (SHORT_NAME, 2020, LEGACY.id)
    assert seed["figures"]["disclosure.procurement.amount"] == "180000"
    assert slipped["ok"] is False
    keys = {v["key"]: v for v in slipped["violations"]}
    assert keys["balance.natural_person"]["severity"] == "error"
    assert "applications.new.natural_person" in keys["balance.natural_person"]["cells"]
    assert photo["ok"] is False and "图片" in photo["rejected"]


def test_check_uses_last_years_report_from_the_same_batch(
    runner: CliRunner, tmp_path: Path
) -> None:
    this_year = valid_report(LEGACY, 2020, seed=42)
    last_year = valid_report(LEGACY, 2019, seed=43)
    (tmp_path / "2019.docx").write_bytes(write_docx(last_year))
    (tmp_path / "2020.docx").write_bytes(write_docx(this_year))
    alone = runner.invoke(main, ["check", "--json", str(tmp_path / "2020.docx")])
    both = runner.invoke(
        main, ["check", "--json", str(tmp_path / "2019.docx"), str(tmp_path / "2020.docx")]
    )
    kinds_alone = {v["key"] for v in json.loads(alone.output)[0]["violations"]}
    kinds_both = {v["key"] for v in json.loads(both.output)[1]["violations"]}
    # 二、上年结转 is compared with last year's 四、结转下年度 only when last year is there.
    assert not any(k.startswith("carry_over.") for k in kinds_alone)
    assert any(k.startswith("carry_over.") for k in kinds_both)


def test_import_then_export_through_the_database(
    runner: CliRunner, files: dict[str, Path], tmp_path: Path
) -> None:
    db = tmp_path / "nianbao.db"
    with Store(db) as store:
        store.add_organisation(ORGANISATION, short_name=SHORT_NAME)
    imported = runner.invoke(main, ["import", str(files["seed"]), "--db", str(db)])
    assert imported.exit_code == 0, imported.output
    assert f"已导入：{ORGANISATION} 2020年报告" in imported.output
    with Store(db) as store:
        org = store.find_organisation(ORGANISATION)
        stored = store.load(store.report(org.id, 2020, create=False).id)
    assert stored.figures["disclosure.procurement.amount"] == Decimal(180000)
    assert stored.texts["other_matters"] == "无。"

    out = tmp_path / "out.docx"
    exported = runner.invoke(
        main,
        [
            "export",
            "--org",
            SHORT_NAME,
            "--year",
            "2020",
            "-o",
            str(out),
            "--date",
            "2021-01-28",
            "--db",
            str(db),
        ],
    )
    assert exported.exit_code == 0, exported.output
    back = read_docx(out.read_bytes())
    assert back.report.figures == all_values(stored)
    assert back.report.texts == stored.texts
    assert (back.organisation, back.issued, back.draft) == (ORGANISATION, date(2021, 1, 28), False)


def test_export_of_a_report_with_errors_is_a_draft_and_says_so(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "nianbao.db"
    report = valid_report(CURRENT, 2023, seed=44)
    broken = report.with_figures({"applications.carried_forward.business": Decimal(99)})
    with Store(db) as store:
        org = store.add_organisation(ORGANISATION)
        store.save_imported(org.id, 2023, broken, person_id=None, source="test")
    out = tmp_path / "draft.docx"
    result = runner.invoke(
        main, ["export", "--org", ORGANISATION, "--year", "2023", "-o", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "征求意见稿" in result.output
    assert read_docx(out.read_bytes()).draft is True


def test_import_and_export_explain_what_is_missing(
    runner: CliRunner, files: dict[str, Path], tmp_path: Path
) -> None:
    db = str(tmp_path / "nianbao.db")
    unknown = runner.invoke(main, ["import", str(files["seed"]), "--db", db])
    assert unknown.exit_code == 1 and "未找到单位“赣州经开区蟠龙镇”" in unknown.output
    photo = runner.invoke(main, ["import", str(files["photo"]), "--org", "某镇", "--db", db])
    assert photo.exit_code == 1 and "图片文件" in photo.output
    with Store(tmp_path / "nianbao.db") as store:
        store.add_organisation("某县某镇人民政府")
    missing = runner.invoke(
        main, ["export", "--org", "某县某镇人民政府", "--year", "2022", "--db", db]
    )
    assert missing.exit_code == 1 and "没有某县某镇人民政府 2022年的报告" in missing.output


REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def test_a_real_report_with_printed_errors_round_trips_as_printed_and_flagged(
    runner: CliRunner, tmp_path: Path
) -> None:
    """2019年上海市人民政府办公厅 (tests/data/real): eleven row totals printed blank."""
    db = tmp_path / "nianbao.db"
    page = REAL / "shanghai-bgt-2019.html"
    checked = runner.invoke(main, ["check", str(page)])
    assert checked.exit_code == 1
    assert "上海市人民政府办公厅 2019年报告" in checked.output
    assert "“（七）总计·总计”为 805" in checked.output
    with Store(db) as store:
        store.add_organisation("上海市人民政府办公厅")
    imported = runner.invoke(main, ["import", str(page), "--db", str(db)])
    assert imported.exit_code == 0, imported.output
    assert "错误" in imported.output
    out = tmp_path / "export.docx"
    exported = runner.invoke(
        main,
        [
            "export",
            "--org",
            "上海市人民政府办公厅",
            "--year",
            "2019",
            "-o",
            str(out),
            "--db",
            str(db),
        ],
    )
    assert exported.exit_code == 0, exported.output
    assert "征求意见稿" in exported.output
    back = read_docx(out.read_bytes())
    assert back.draft is True
    # Printed totals go out as printed, not replaced by the computed ones.
    assert back.report.figures["applications.granted.total"] == 0
    assert back.report.figures["applications.results_total.total"] == 805
    again = runner.invoke(main, ["check", str(out)])
    assert again.exit_code == 1
    assert "征求意见稿" in again.output
    assert "未发现问题" not in again.output


def test_check_reads_a_published_pdf(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "--json", str(REAL / "shanghai-bgt-2019.pdf")])
    assert result.exit_code == 1
    (item,) = json.loads(result.output)
    assert (item["organisation"], item["year"], item["format"]) == (
        "上海市人民政府办公厅",
        2019,
        "legacy",
    )
    assert item["problems"] == []
    assert item["figures"]["applications.new.total"] == "859"
