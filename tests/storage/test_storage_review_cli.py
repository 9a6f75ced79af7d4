"""``nianbao review``: submit, return with comments, resubmit, approve, export, on a real file."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from bot.cli import main
from exports.texts import APPENDIX_TITLE, DRAFT_MARK
from storage import Role, Store
from tests.seed import SEED_YEAR, seed_report

CLERK, SUPERVISOR = 1001, 2001


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    return CliRunner()


@pytest.fixture
def filled(db_path: Path) -> None:
    with Store(db_path) as store:
        county = store.add_organisation("信丰县人民政府")
        town = store.add_organisation("信丰县大塘埠镇人民政府", parent_id=county.id)
        store.upsert_person(CLERK, "李明")
        store.upsert_person(SUPERVISOR, "张科长")
        store.add_membership(CLERK, town.id, Role.CLERK)
        store.add_membership(SUPERVISOR, county.id, Role.SUPERVISOR)
        stored = store.report(town.id, SEED_YEAR)
        assert stored is not None
        seed = seed_report()
        store.write_figures(stored.id, dict(seed.figures), person_id=CLERK)
        for part_id, text in seed.texts.items():
            store.write_text(stored.id, part_id, text, person_id=CLERK)


def run(runner: CliRunner, db_path: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(
        main, ["review", *args, "大塘埠镇", "--year", str(SEED_YEAR), "--db", str(db_path)]
    )
    assert result.exit_code == code, result.output
    return result.output


def test_the_whole_review_from_the_terminal(
    runner: CliRunner, db_path: Path, filled: None, tmp_path: Path
) -> None:
    assert "填报中" in run(runner, db_path, "status")
    out = run(runner, db_path, "approve", "--person", str(CLERK), code=1)
    assert "只能由上级单位的审核人员办理" in out
    assert "待审核" in run(runner, db_path, "submit", "--person", str(CLERK))
    out = run(
        runner,
        db_path,
        "return",
        "--person",
        str(SUPERVISOR),
        "--comment",
        "row:applications/applications.new=本年新收申请数与台账不一致。",
        "--comment",
        "part:problems=问题写得太笼统。",
        "--comment",
        "cell:applications.new.business=商业企业的申请台账记有1件。",
    )
    assert "意见3条" in out
    status = run(runner, db_path, "status")
    assert (
        "已退回" in status and "[待修改] 五、存在的主要问题及改进情况：问题写得太笼统。" in status
    )
    assert "[待修改] 收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量：" in status
    cell = "收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量·商业企业"
    assert f"[待修改] {cell}：商业企业的申请台账记有1件。" in status

    with Store(db_path) as store:
        (stored,) = [store.report_by_id(1)]
        store.write_figures(
            stored.id,
            {
                "applications.new.natural_person": Decimal(1),
                "applications.granted.natural_person": Decimal(1),
            },
            person_id=CLERK,
        )
    changes = run(runner, db_path, "changes")
    assert "一、本年新收政府信息公开申请数量·自然人：0 → 1" in changes
    status = run(runner, db_path, "status")
    assert "[已修改] 收到和处理政府信息公开申请情况：一、本年新收政府信息公开申请数量：" in status
    assert f"[待修改] {cell}" in status  # another cell of its row changed, not this one

    out = run(runner, db_path, "submit", "--person", str(CLERK), code=1)
    assert "提示没有确认" in out  # the narrative still says 依申请公开0条
    with Store(db_path) as store:
        store.write_text(1, "overview.requests", "本年受理依申请公开1条。", person_id=CLERK)
    run(runner, db_path, "submit", "--person", str(CLERK))
    assert "已通过" in run(runner, db_path, "approve", "--person", str(SUPERVISOR))
    assert "报告已审核通过，无需再次审核" in run(
        runner, db_path, "approve", "--person", str(SUPERVISOR), code=1
    )

    out_file = tmp_path / "final.docx"
    run(runner, db_path, "export", "--out", str(out_file), "--appendix")
    document = Document(io.BytesIO(out_file.read_bytes()))
    header = "".join(p.text for p in document.sections[0].header.paragraphs)
    assert DRAFT_MARK not in header
    body = [p.text for p in document.paragraphs]
    assert APPENDIX_TITLE in body and body[-1].startswith("张科长于")


def test_a_bad_comment_is_refused_with_an_example(
    runner: CliRunner, db_path: Path, filled: None
) -> None:
    run(runner, db_path, "submit", "--person", str(CLERK))
    out = run(runner, db_path, "return", "--person", str(SUPERVISOR), "--comment", "问题", code=1)
    assert "位置=意见" in out
    out = run(
        runner,
        db_path,
        "return",
        "--person",
        str(SUPERVISOR),
        "--comment",
        "cell:nowhere=错",
        code=1,
    )
    assert "不是本报告格式中的" in out
    assert "待审核" in run(runner, db_path, "status")
