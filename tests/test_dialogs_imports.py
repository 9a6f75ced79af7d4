"""This year's report sent as a file, through the engine on a real SQLite file: the
differences shown, written only on confirmation with the audit source "document"; nothing read,
a final report and another office's report each handled in words."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import docx

from dialogs import texts
from exports import read_docx, write_docx
from report.values import Report
from storage import ReportStatus
from tests.clerk import Clerk
from tests.test_dialogs import (  # noqa: F401  (fixtures)
    CLERK_ID,
    seed_clerk,
    stored,
    test_the_seed_report_end_to_end_in_at_most_30_actions,
    township,
)

REAL = Path(__file__).parent / "data" / "real"


def _drafted(clerk: Clerk, store, township) -> Report:  # noqa: F811
    """The clerk types a few answers, so a draft is stored."""
    clerk.command("fill")
    clerk.taps("目录")
    clerk.taps("… 二、")
    clerk.says("1 0 3")
    return stored(store, township.id, 2020)


def test_this_years_draft_sent_as_docx_shows_the_differences_and_writes_on_confirmation(
    store,
    township,  # noqa: F811
):
    clerk = seed_clerk(store)
    draft = _drafted(clerk, store, township)
    assert draft.figures["disclosure.rules.issued"] == 1
    in_word = draft.with_figures(
        {"disclosure.rules.issued": Decimal(2), "disclosure.normative.issued": Decimal(4)}
    ).model_copy(update={"texts": {"problems": "网站栏目更新不够及时。"}})
    clerk.sends_file("2020年报告（修改稿）.docx", write_docx(in_word))
    shown = clerk.text()
    assert "本年报告" in shown and "不能覆盖" not in shown
    assert "“规章·本年新制作数量”：草稿中为 1，文件中为 2" in shown
    assert "“规范性文件·本年新制作数量”：草稿中为 未填，文件中为 4" in shown
    assert "网站栏目更新不够及时" in shown
    # The cells the clerk has not typed yet, printed blank in the Word draft, on one line.
    assert "草稿中还未填写的" in shown and "“行政许可·处理决定数量”" not in shown
    assert "请注意" not in shown  # the clerk's own office
    # Nothing is written before the clerk confirms.
    assert stored(store, township.id, 2020).figures == draft.figures
    clerk.taps(texts.DRAFT_CONFIRM)
    assert "已按文件内容更新本年报告" in clerk.text()
    after = stored(store, township.id, 2020)
    assert after.figures["disclosure.rules.issued"] == 2
    assert after.figures["disclosure.normative.issued"] == 4
    assert after.texts["problems"] == "网站栏目更新不够及时。"
    report_id = store.report(township.id, 2020).id
    written = {e.target: e for e in store.audit_log(report_id) if e.source == "document"}
    assert {"disclosure.rules.issued", "disclosure.normative.issued", "text:problems"} <= set(
        written
    )
    assert (written["disclosure.rules.issued"].old, written["disclosure.rules.issued"].new) == (
        "1",
        "2",
    )
    # Every write of the import is the document's, and the clerk's; typed answers are not.
    assert all(e.person_id == CLERK_ID for e in written.values())
    assert "disclosure.rules.in_force" not in written  # 3 in both: unchanged, not rewritten


def test_cancel_writes_nothing(store, township):  # noqa: F811
    clerk = seed_clerk(store)
    draft = _drafted(clerk, store, township)
    clerk.sends_file(
        "本年.docx", write_docx(draft.with_figures({"disclosure.rules.issued": Decimal(9)}))
    )
    clerk.taps("取消")
    assert texts.DRAFT_CANCELLED in clerk.text()
    assert stored(store, township.id, 2020) == draft


def test_a_document_with_nothing_read_writes_nothing(store, township):  # noqa: F811
    clerk = seed_clerk(store)
    draft = _drafted(clerk, store, township)
    # A report's title and nothing else: neither a table nor a part to read.
    document = docx.Document()
    document.add_paragraph("赣州经开区蟠龙镇2020年政府信息公开工作年度报告")
    document.add_paragraph("（正文待补充）")
    data = io.BytesIO()
    document.save(data)
    read = read_docx(data.getvalue()).report
    assert (read.year, read.figures, read.texts) == (2020, {}, {})
    clerk.sends_file("空白.docx", data.getvalue())
    assert clerk.text() == texts.IMPORT_NOTHING_READ
    assert clerk.buttons() == []
    assert stored(store, township.id, 2020) == draft


def test_a_final_report_is_replaced_only_after_a_confirmation_that_says_so(
    store,
    township,  # noqa: F811
):
    test_the_seed_report_end_to_end_in_at_most_30_actions(store, township)
    assert store.report(township.id, 2020).status is ReportStatus.FINAL
    final = stored(store, township.id, 2020)
    clerk = seed_clerk(store)
    clerk.command("fill")
    changed = final.with_figures({"disclosure.rules.issued": Decimal(7)})
    clerk.sends_file("定稿后又改.docx", write_docx(changed))
    assert "已定稿" in clerk.text()
    labels = [b.label for b in clerk.buttons()]
    assert texts.DRAFT_CONFIRM_FINAL in labels and texts.DRAFT_CONFIRM not in labels
    assert store.report(township.id, 2020).status is ReportStatus.FINAL
    clerk.taps(texts.DRAFT_CONFIRM_FINAL)
    assert "已改回草稿" in clerk.text()
    assert store.report(township.id, 2020).status is ReportStatus.DRAFT
    assert stored(store, township.id, 2020).figures["disclosure.rules.issued"] == 7


def test_another_offices_report_is_named_before_confirmation(store, township):  # noqa: F811
    """A clerk of 蟠龙镇 sending 上海市人民政府办公厅's 2019 report (the real one, as published
    PDF) is warned that it is not their office's, and nothing is written unless confirmed."""
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.sends_file("2019年报告.pdf", (REAL / "shanghai-bgt-2019.pdf").read_bytes())
    shown = clerk.text()
    assert "上海市人民政府办公厅" in shown and "不是本单位（赣州经开区蟠龙镇）" in shown
    # The preview names each figure's row and column.
    assert "· 规章：本年新制作数量 13、本年新公开数量 13、对外公开总数量 524" in shown
    assert "· （三）不予公开 1.属于国家秘密：自然人 14" in shown
    assert "· 行政复议：结果维持 5、尚未审结 2、总计 7" in shown
    assert "规章13、规章13" not in shown
    clerk.taps("取消")
    assert store.previous_report(township.id, 2020) is None


def test_a_final_report_sent_back_unchanged_changes_nothing(store, township):  # noqa: F811
    test_the_seed_report_end_to_end_in_at_most_30_actions(store, township)
    final = stored(store, township.id, 2020)
    clerk = seed_clerk(store)
    clerk.command("fill")
    clerk.sends_file("定稿.docx", write_docx(final))
    assert texts.DRAFT_IDENTICAL in clerk.text()
    assert clerk.buttons() == []
    assert stored(store, township.id, 2020) == final
    assert store.report(township.id, 2020).status is ReportStatus.FINAL
