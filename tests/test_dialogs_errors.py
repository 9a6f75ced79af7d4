"""Every kind of storage error gets its Chinese sentence from ``dialogs.errors.describe``.

The errors come from a real store on a real SQLite file wherever a few lines can provoke them;
the rest (a busy file, a locked report, a ledger for another format) are built as the store
builds them, since their storage tests check that the store raises them.
"""

from __future__ import annotations

import inspect
import sqlite3
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from dialogs.errors import describe
from report.formats import CURRENT, LEGACY
from storage import (
    AmbiguousName,
    BadName,
    CannotOpen,
    CommentRefused,
    DatabaseFault,
    FormatMismatch,
    InviteError,
    LedgerRefused,
    NotFound,
    ReportLocked,
    ReviewRefused,
    Role,
    StaleWrite,
    StorageError,
    Store,
)
from storage import errors as storage_errors

TOWN = "信丰县大塘埠镇人民政府"
BY_PERSON = "applications.new.natural_person"


def caught(call: object, *args: object, **kwargs: object) -> StorageError:
    assert callable(call)
    with pytest.raises(StorageError) as error:
        call(*args, **kwargs)
    return error.value


def test_missing_things_are_named_by_their_number(store: Store) -> None:
    town = store.add_organisation(TOWN)
    assert describe(caught(store.organisation, 42)) == "未找到编号为42的单位。"
    assert (
        describe(caught(store.add_membership, 7, town.id, Role.CLERK))
        == "未找到该用户（编号7），请先登记后再操作。"
    )
    assert describe(caught(store.report_by_id, 999)) == "未找到该年度报告（编号999）。"


def test_organisation_names_that_are_refused(store: Store) -> None:
    store.add_organisation("信丰县人民政府")
    assert describe(caught(store.add_organisation, "  ")) == "单位名称不能为空。"
    assert describe(caught(store.add_organisation, "局" * 201)) == "单位名称不能超过200个字。"
    assert (
        describe(caught(store.add_organisation, "某县/某镇"))
        == "单位名称不能含有“/”“\\”或控制字符，请填写单位的正式全称。"
    )
    assert (
        describe(caught(store.add_organisation, "信丰县人民政府"))
        == "已有名为“信丰县人民政府”的单位，请勿重复添加。"
    )
    store.add_organisation("信丰县城关镇人民政府")
    store.add_organisation("安远县城关镇人民政府")
    assert describe(caught(store.find_organisation, "城关镇")) == (
        "简称“城关镇”对应多个单位（信丰县城关镇人民政府、安远县城关镇人民政府），请使用单位全称。"
    )


def test_invites_that_cannot_be_used_speak_as_the_chat_does(store: Store) -> None:
    town = store.add_organisation(TOWN)
    store.upsert_person(7, "李明")
    store.upsert_person(8, "王芳")
    invite = store.create_invite(town.id, valid_for=timedelta(days=14))
    assert (
        describe(caught(store.redeem_invite, "no-such-code", 7))
        == "这个邀请链接无效。请向本单位管理员重新索取。"
    )
    late = invite.expires_at + timedelta(seconds=1)
    assert (
        describe(caught(store.redeem_invite, invite.code, 7, now=late))
        == "这个邀请链接已过期。请向本单位管理员重新索取。"
    )
    store.redeem_invite(invite.code, 7)
    assert describe(caught(store.redeem_invite, invite.code, 8)) == (
        "这个邀请链接已经有人用过了（每个链接只能用一次）。请向本单位管理员重新索取。"
    )


def test_a_report_kept_in_another_format(store: Store) -> None:
    town = store.add_organisation(TOWN)
    store.report(town.id, 2021, format_id=LEGACY.id)
    error = caught(store.report, town.id, 2021, format_id=CURRENT.id)
    assert describe(error) == (
        "信丰县大塘埠镇人民政府2021年度报告已按2019—2020年度格式填报，"
        "不能改用现行格式（国办公开办函〔2021〕30号）。"
    )


def test_a_stale_write_names_the_colleague_found_in_the_store(store: Store) -> None:
    town = store.add_organisation(TOWN)
    store.upsert_person(1002, "王芳")
    draft = store.report(town.id, 2024)
    assert draft is not None
    versions = store.cell_versions(draft.id, [BY_PERSON])
    store.write_figures(draft.id, {BY_PERSON: Decimal(7)}, person_id=1002)
    stale = caught(
        store.write_figures, draft.id, {BY_PERSON: Decimal(5)}, person_id=None, expected=versions
    )
    assert describe(stale, store) == (
        "“一、本年新收政府信息公开申请数量·自然人”刚刚已由王芳改为“7”，"
        "您这次填写的内容未保存，请核对后重新填写。"
    )
    # Without a store (the command line) or an author, the colleague stays unnamed.
    assert describe(stale).startswith(
        "“一、本年新收政府信息公开申请数量·自然人”刚刚已由其他同事改为"
    )

    store.write_text(draft.id, "problems", "人员" * 20, person_id=1002)
    long = caught(store.write_text, draft.id, "problems", "无。", person_id=None, expected=0)
    assert describe(long, store) == (
        f"“五、存在的主要问题及改进情况”刚刚已由王芳改为“{'人员' * 15}……”，"
        "您这次填写的内容未保存，请核对后重新填写。"
    )
    store.write_text(draft.id, "problems", None, person_id=None)
    cleared = caught(store.write_text, draft.id, "problems", "无。", person_id=None, expected=1)
    assert describe(cleared, store) == (
        "“五、存在的主要问题及改进情况”刚刚已由其他同事清空，您这次填写的内容未保存，请核对后重新填写。"
    )


def test_a_review_step_refused_by_the_store(store: Store) -> None:
    town = store.add_organisation(TOWN)
    store.upsert_person(9, "外单位人员")
    draft = store.report(town.id, 2024)
    assert draft is not None
    assert describe(caught(store.submit, draft.id, person_id=9)) == (
        "您不是本单位的填报人员，也不是其上级单位的审核人员，不能办理此项操作。"
    )
    incomplete = ReviewRefused(reason="incomplete", status="drafting", event="submit", count=12)
    assert describe(incomplete) == "报告还有12项没有填写，请全部填写后再提交审核。"


def test_locked_reports_and_comments() -> None:
    assert describe(ReportLocked(status="submitted")) == (
        "报告已提交上级审核，审核期间不能修改；如需修改，请先撤回审核申请。"
    )
    assert describe(ReportLocked(status="approved")) == (
        "报告已审核通过，不能再修改；如需修改，请联系上级审核人员重新打开。"
    )
    assert describe(CommentRefused("empty")) == "意见内容不能为空，请写明需要修改的地方。"
    assert describe(CommentRefused("too_long", limit=500)) == "每条意见不能超过500个字。"


def test_ledger_countings_that_cannot_be_written(store: Store) -> None:
    town = store.add_organisation(TOWN)
    bad_target = caught(
        store.remember_ledger_wording,
        town.id,
        "outcome",
        "某写法",
        "natural_person",
        person_id=None,
    )
    assert describe(bad_target) == "“natural_person”不是表三中的一项，无法记住这一选择。"
    assert describe(LedgerRefused("wrong_year", counted_year=2023, year=2024)) == (
        "台账是按2023年统计的，不能写入2024年的报告。"
    )
    assert describe(
        LedgerRefused("wrong_format", counted_format=LEGACY.id, format_id=CURRENT.id)
    ) == (
        "台账是按2019—2020年度格式统计的，而该报告使用现行格式（国办公开办函〔2021〕30号），"
        "请重新统计。"
    )
    assert describe(LedgerRefused("unmapped", count=3)) == (
        "台账中还有3种写法未确定对应哪一项，确定后才能写入报告。"
    )


def test_database_files_that_cannot_be_opened(tmp_path: Path) -> None:
    not_a_database = tmp_path / "report.docx"
    not_a_database.write_bytes(b"PK\x03\x04 a Word document, not a database" * 100)
    assert describe(caught(Store, not_a_database)) == (
        f"文件“{not_a_database}”不是本程序的数据库文件，无法打开（file is not a database）。"
    )
    missing = tmp_path / "no-such-folder" / "nianbao.db"
    assert describe(caught(Store, missing)) == (
        f"无法打开数据库文件“{missing}”，请检查路径是否存在、是否有读写权限"
        "（unable to open database file）。"
    )
    newer = tmp_path / "newer.db"
    Store(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '')"
        )
    conn.close()
    assert describe(caught(Store, newer)).startswith(
        "数据库由更新版本的程序创建（结构版本999，本程序仅支持到"
    )
    busy = CannotOpen("busy", path="/srv/nianbao.db", reason="database is locked")
    assert describe(busy) == (
        "数据库文件“/srv/nianbao.db”正被其他程序长时间占用，暂时无法打开，请稍后再试。"
    )
    assert describe(DatabaseFault("full")) == "数据库暂时无法写入，刚才的操作未保存。"


def test_every_storage_error_has_words() -> None:
    """A new kind of error in storage/errors.py must be worded before it can be raised."""
    samples = {
        NotFound: NotFound("report", 1),
        BadName: BadName("empty"),
        AmbiguousName: AmbiguousName("城关镇", ("甲", "乙")),
        InviteError: InviteError("used"),
        FormatMismatch: FormatMismatch(
            organisation=TOWN, year=2021, existing=LEGACY.id, requested=CURRENT.id
        ),
        StaleWrite: StaleWrite(
            target=BY_PERSON,
            label="某栏",
            expected_version=0,
            current_version=1,
            current_value=None,
            person_id=None,
        ),
        ReviewRefused: ReviewRefused(reason="no_comment", status="submitted", event="return"),
        ReportLocked: ReportLocked(status="approved"),
        CommentRefused: CommentRefused("empty"),
        LedgerRefused: LedgerRefused("unmapped", count=1),
        CannotOpen: CannotOpen("too_new", path="x", found=9, known=8),
        DatabaseFault: DatabaseFault("io"),
    }
    raised = {
        cls
        for _, cls in inspect.getmembers(storage_errors, inspect.isclass)
        if issubclass(cls, StorageError) and cls is not StorageError
    }
    assert raised == set(samples)
    for error in samples.values():
        assert describe(error) and not any(c.isascii() and c.isalpha() for c in describe(error))
    with pytest.raises(TypeError):
        describe(StorageError("an error nobody worded"))


def test_the_command_line_prints_the_same_sentence(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(main, ["org", "add", "信丰县人民政府", "--db", db]).exit_code == 0
    again = runner.invoke(main, ["org", "add", "信丰县人民政府", "--db", db])
    assert again.exit_code == 1
    assert "已有名为“信丰县人民政府”的单位，请勿重复添加。" in again.output
