"""The approved report's DOCX and its review appendix, read back from the real file."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from exports import texts, write_docx
from report.review import Place, ReviewStatus, marked_draft
from storage import NewComment, Role, Store
from tests.seed import SEED_YEAR, seed_report

CLERK, OTHER_CLERK, SUPERVISOR = 1001, 1002, 2001
WARNING = "outlier.disclosure.procurement.items"
REASON = "今年集中采购项目改由县财政局统一组织，本镇采购项目相应减少"


def _headers(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    return "".join(p.text for h in (section.header, section.even_page_header) for p in h.paragraphs)


def _body(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


@pytest.fixture
def approved(tmp_path: Path) -> tuple[Store, int]:
    """蟠龙镇's 2020 report, filled in by two clerks, a warning accepted, returned once with a
    comment, fixed, resubmitted and approved by the county office."""
    store = Store(tmp_path / "nianbao.db")
    county = store.add_organisation("赣州经济技术开发区管理委员会")
    town = store.add_organisation("赣州经开区蟠龙镇人民政府", parent_id=county.id)
    for person, name, org, role in (
        (CLERK, "李明", town.id, Role.CLERK),
        (OTHER_CLERK, "王芳", town.id, Role.ADMIN),
        (SUPERVISOR, "张科长", county.id, Role.SUPERVISOR),
    ):
        store.upsert_person(person, name)
        store.add_membership(person, org, role)
    last = store.report(town.id, SEED_YEAR - 1)
    assert last is not None
    store.write_figures(last.id, {"disclosure.procurement.items": Decimal(120)}, person_id=CLERK)
    stored = store.report(town.id, SEED_YEAR)
    assert stored is not None
    seed = seed_report()
    store.write_figures(stored.id, dict(seed.figures), person_id=CLERK)
    for part_id, text in seed.texts.items():
        store.write_text(stored.id, part_id, text, person_id=OTHER_CLERK)
    store.accept_warning(stored.id, WARNING, REASON, person_id=CLERK)
    store.submit(stored.id, person_id=CLERK)
    store.return_report(
        stored.id,
        [NewComment(Place.part("problems"), "存在问题写得太笼统，请具体说明。")],
        person_id=SUPERVISOR,
    )
    store.write_text(
        stored.id, "problems", "信息公开专栏更新不够及时。下一步明确专人负责。", person_id=CLERK
    )
    store.submit(stored.id, person_id=CLERK)
    store.approve(stored.id, person_id=SUPERVISOR)
    yield store, stored.id
    store.close()


def test_the_approved_report_has_no_draft_mark(approved: tuple[Store, int]) -> None:
    store, report_id = approved
    assert store.review(report_id).status is ReviewStatus.APPROVED
    draft = marked_draft(store.review(report_id).status, has_supervisor=True)
    data = write_docx(store.load(report_id), draft=draft)
    assert texts.DRAFT_MARK not in _headers(data)
    # Before approval the same report went out marked.
    assert marked_draft(ReviewStatus.SUBMITTED, has_supervisor=True)
    marked = write_docx(store.load(report_id), draft=True)
    assert texts.DRAFT_MARK in _headers(marked)


def test_the_appendix_lists_the_evidence(approved: tuple[Store, int], tmp_path: Path) -> None:
    store, report_id = approved
    report = store.load(report_id)
    data = write_docx(report, appendix=store.review_evidence(report_id))
    (tmp_path / "approved.docx").write_bytes(data)
    body = _body(data)
    start = body.index(texts.APPENDIX_TITLE)
    assert body.index(report.organisation) < start  # after the report's closing
    appendix = body[start:]
    accepted = next(line for line in appendix if REASON in line)
    assert "李明" in accepted and "上年为 120，" in accepted
    far = next(line for line in appendix if line.startswith("1. 政府集中采购"))
    assert "本年9" in far and "上年120" in far
    assert any("1/2" in line and "相差10" in line for line in appendix)
    assert "“一、总体情况”：王芳填报" in "\n".join(appendix)
    assert "“五、存在的主要问题及改进情况”：王芳、李明填报" in "\n".join(appendix)
    assert "“二、主动公开政府信息情况”：李明填报" in "\n".join(appendix)
    assert appendix[-1].startswith("张科长于") and appendix[-1].endswith("审核通过。")
    assert texts.DRAFT_MARK not in _headers(data)
    without = _body(write_docx(report))
    assert texts.APPENDIX_TITLE not in without


def test_an_appendix_before_approval_says_so(approved: tuple[Store, int]) -> None:
    store, report_id = approved
    store.reopen(report_id, person_id=SUPERVISOR, note="补充说明")
    body = _body(write_docx(store.load(report_id), appendix=store.review_evidence(report_id)))
    assert body[-1] == texts.APPENDIX_NOT_APPROVED.format(status="填报中")


def test_the_appendix_dates_are_in_the_configured_zone(approved: tuple[Store, int]) -> None:
    """Approved at 17:30 UTC on 20 January: the 21st in Shanghai, the 20th in Berlin."""
    store, report_id = approved
    evidence = replace(
        store.review_evidence(report_id), approved_at=datetime(2025, 1, 20, 17, 30, tzinfo=UTC)
    )
    report = store.load(report_id)
    shanghai = _body(write_docx(report, appendix=evidence, zone=ZoneInfo("Asia/Shanghai")))
    berlin = _body(write_docx(report, appendix=evidence, zone=ZoneInfo("Europe/Berlin")))
    assert shanghai[-1] == "张科长于2025年1月21日审核通过。"
    assert berlin[-1] == "张科长于2025年1月20日审核通过。"
