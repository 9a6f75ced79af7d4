"""``nianbao org``: add, list and invite, on a real database file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from storage import Role, Store

LINK = re.compile(
    r"邀请链接：https://t\.me/(?P<bot>\w+)\?start=(?P<code>[A-Za-z0-9_-]+)$", re.MULTILINE
)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    monkeypatch.delenv("NIANBAO_BOT_USERNAME", raising=False)
    return CliRunner()


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, ["org", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_add_and_list_a_county_with_its_towns(runner: CliRunner, db_path: Path) -> None:
    db = ["--db", str(db_path)]
    assert "尚未添加任何单位" in _ok(runner, "list", *db)
    _ok(runner, "add", "信丰县人民政府", *db)
    out = _ok(runner, "add", "信丰县大塘埠镇人民政府", "--parent", "信丰县", *db)
    assert "大塘埠镇" in out and "信丰县人民政府" in out
    _ok(runner, "add", "信丰县教育体育局", "--short", "县教体局", "--parent", "信丰县人民政府", *db)
    _ok(runner, "add", "安远县人民政府", *db)

    assert _ok(runner, "list", *db).splitlines() == [
        "1  信丰县人民政府（信丰县）",
        "  2  信丰县大塘埠镇人民政府（大塘埠镇）",
        "  3  信丰县教育体育局（县教体局）",
        "4  安远县人民政府（安远县）",
    ]
    with Store(db_path) as store:
        bureau = store.find_organisation("县教体局")
        assert bureau is not None and bureau.parent_id == 1


def test_mistakes_get_one_chinese_line_and_change_nothing(runner: CliRunner, db_path: Path) -> None:
    db = ["--db", str(db_path)]
    _ok(runner, "add", "信丰县人民政府", *db)

    duplicate = runner.invoke(main, ["org", "add", "信丰县人民政府", *db])
    assert duplicate.exit_code == 1
    assert "已有名为“信丰县人民政府”的单位" in duplicate.output
    orphan = runner.invoke(main, ["org", "add", "某镇人民政府", "--parent", "某县", *db])
    assert orphan.exit_code == 1 and "未找到上级单位“某县”" in orphan.output
    stranger = runner.invoke(main, ["org", "invite", "某镇", *db])
    assert stranger.exit_code == 1 and "未找到单位“某镇”" in stranger.output
    bad_role = runner.invoke(main, ["org", "invite", "信丰县", "--role", "boss", *db])
    assert bad_role.exit_code != 0

    with Store(db_path) as store:
        assert [o.name for o in store.organisations()] == ["信丰县人民政府"]


def test_invite_prints_a_code_that_redeems(runner: CliRunner, db_path: Path) -> None:
    db = ["--db", str(db_path)]
    _ok(runner, "add", "信丰县大塘埠镇人民政府", *db)

    out = _ok(runner, "invite", "大塘埠镇", "--role", "admin", *db)

    match = LINK.search(out)
    assert match is not None and match["bot"] == "nianbao_bot"
    assert f"邀请码：{match['code']}" in out and "单位管理员" in out
    with Store(db_path) as store:
        store.upsert_person(1001, "李明")
        membership = store.redeem_invite(match["code"], 1001)
        assert membership.role == Role.ADMIN


def test_bot_name_and_database_come_from_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIANBAO_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("NIANBAO_BOT_USERNAME", "xinfeng_report_bot")
    _ok(runner, "add", "信丰县人民政府")

    from_env = LINK.search(_ok(runner, "invite", "信丰县"))
    from_option = LINK.search(_ok(runner, "invite", "信丰县", "--bot", "@other_bot"))

    assert from_env is not None and from_env["bot"] == "xinfeng_report_bot"
    assert from_option is not None and from_option["bot"] == "other_bot"
    with Store(tmp_path / "env.db") as store:
        assert [o.name for o in store.organisations()] == ["信丰县人民政府"]


def test_the_default_database_is_in_the_current_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _ok(runner, "add", "信丰县人民政府")
    assert (tmp_path / "nianbao.db").exists()
    assert "信丰县人民政府" in _ok(runner, "list")


def test_with_several_bots_invites_name_the_office_s_bot_and_an_office_can_be_moved(
    runner: CliRunner, db_path: Path
) -> None:
    db = ["--db", str(db_path)]
    _ok(runner, "add", "信丰县大塘埠镇人民政府", *db)
    _ok(runner, "add", "信丰县古陂镇人民政府", *db)
    with Store(db_path) as store:  # as `nianbao run` records its two bots at start
        store.record_bot(7000000001, "nanchang_nianbao_bot", 0)
        store.record_bot(7000000002, "ganzhou_nianbao_bot", 1)

    # An office no bot serves yet: the bot named by --bot, when known, takes it on.
    second = LINK.search(_ok(runner, "invite", "古陂镇", "--bot", "@ganzhou_nianbao_bot", *db))
    assert second is not None and second["bot"] == "ganzhou_nianbao_bot"
    # Otherwise the first bot's; and once served, the office's bot whatever --bot says.
    first = LINK.search(_ok(runner, "invite", "大塘埠镇", *db))
    assert first is not None and first["bot"] == "nanchang_nianbao_bot"
    again = LINK.search(_ok(runner, "invite", "古陂镇", "--bot", "nanchang_nianbao_bot", *db))
    assert again is not None and again["bot"] == "ganzhou_nianbao_bot"
    listed = _ok(runner, "list", *db)
    assert "古陂镇人民政府（古陂镇）  @ganzhou_nianbao_bot" in listed
    assert "大塘埠镇人民政府（大塘埠镇）  @nanchang_nianbao_bot" in listed

    moved = _ok(runner, "bot", "古陂镇", "nanchang_nianbao_bot", *db)
    assert "@nanchang_nianbao_bot" in moved and "/start" in moved
    unknown = runner.invoke(main, ["org", "bot", "古陂镇", "@nobody_bot", *db])
    assert unknown.exit_code == 1
    assert (
        "未找到机器人“@nobody_bot”" in unknown.output and "@ganzhou_nianbao_bot" in unknown.output
    )
    with Store(db_path) as store:
        town = store.find_organisation("古陂镇")
        assert town is not None and store.office_bot(town.id) == 7000000001
