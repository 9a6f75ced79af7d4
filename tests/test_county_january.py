"""The county office's January, end to end: the real python-telegram-bot Application (polling,
job queue) against the strict Bot API test server in-process, the clock moved by time-machine.

Members join by invite; the supervisor sets a deadline (the clerks are told), watches
/progress, reminds the offices behind; the deadline passes for two offices (shown late, still
reminded); /summary's XLSX and DOCX are opened and every figure and office name checked. The
conversation is written to ``docs/county-january.md``.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import time_machine

from dialogs.console import plain
from report.formats import CURRENT
from report.parsing import format_figure
from report.values import Report
from storage import ReportStatus, Role, Store
from tests.test_reminders_bot import SHANGHAI, bot_running, runs_finished

TRANSCRIPT = Path(__file__).resolve().parents[1] / "docs" / "county-january.md"
SUPERVISOR, LI, WANG, ZHANG, LIU = 7001, 7101, 7102, 7103, 7201
QUIET = 0.2


@pytest.fixture
def anyio_backend():
    return "asyncio"


@dataclass
class Actor:
    """Somebody in a private chat with the bot, played through the async control client."""

    client: object
    user_id: int
    name: str
    log: list[str]
    seen: int = 0
    received: list[object] = field(default_factory=list)

    async def command(self, command: str, args: str = "") -> list:
        self.log.append(f"**{self.name}:** /{command} {args}".rstrip())
        await self.client.send_command(self.user_id, command, args)
        return await self.settle(heard=False)

    async def start(self, code: str) -> list:
        self.log.append(f"**{self.name}:** /start <邀请码>")
        await self.client.send_start(self.user_id, code)
        return await self.settle(heard=False)

    async def taps(self, label: str) -> list:
        messages = await self.client.bot_messages(self.user_id)
        message = next(m for m in reversed(messages) if any(b.text == label for b in m.buttons))
        button = next(b for b in message.buttons if b.text == label)
        self.log.append(f"**{self.name}:** [{label}]")
        await self.client.press_button(self.user_id, message.message_id, button.callback_data)
        return await self.settle(heard=False)

    async def settle(self, *, heard: bool = True) -> list:
        """Wait until the bot has answered and gone quiet; log and return the new messages
        (``heard``: messages the person did not ask for, marked as received)."""
        await self.client.wait_for_bot_messages(self.user_id, self.seen + 1, timeout=20)
        last = -1
        for _ in range(100):
            count = len(await self.client.bot_messages(self.user_id))
            if count == last:
                break
            last = count
            await asyncio.sleep(QUIET)
        messages = await self.client.bot_messages(self.user_id)
        new = messages[self.seen :]
        self.seen = len(messages)
        for message in new:
            lines = plain(message.text or message.caption or "").split("\n")
            if message.buttons:
                lines.append(" · ".join(f"[{b.text}]" for b in message.buttons))
            if message.document:
                lines.append(f"📎 {message.document.file_name}")
            self.log.append(
                (f"*（{self.name}收到）*\n" if heard else "")
                + "\n".join(f"> {line}" for line in lines)
            )
        self.received.extend(new)
        return new

    def text(self, messages: list) -> str:
        return "\n".join(plain(m.text or m.caption or "") for m in messages)


def complete(organisation: str, **figures: int) -> Report:
    values = {c.id: Decimal(0) for c in CURRENT.entered_cells}
    values.update({k.replace("__", "."): Decimal(v) for k, v in figures.items()})
    return Report(
        organisation=organisation,
        year=2024,
        figures=values,
        texts={p.id: f"{p.id}的内容。" for p in CURRENT.parts},
    )


@pytest.fixture
def county_db(tmp_path):
    """The county office, three townships and a neighbouring county; invites for everyone."""
    path = tmp_path / "county.db"
    codes: dict[int, str] = {}
    with Store(path) as store:
        county = store.add_organisation("赣州经济技术开发区党政办公室", short_name="开发区")
        other = store.add_organisation("于都县人民政府办公室", short_name="于都县")
        towns = {
            name: store.add_organisation(
                f"赣州经开区{name}人民政府", short_name=name, parent_id=county.id
            )
            for name in ("蟠龙镇", "凤岗镇", "湖边镇")
        }
        gongjiang = store.add_organisation(
            "于都县贡江镇人民政府", short_name="贡江镇", parent_id=other.id
        )
        now = datetime(2025, 1, 6, 9, 0, tzinfo=SHANGHAI)
        for person, org, role in (
            (SUPERVISOR, county.id, Role.SUPERVISOR),
            (LI, towns["蟠龙镇"].id, Role.CLERK),
            (WANG, towns["凤岗镇"].id, Role.CLERK),
            (ZHANG, towns["湖边镇"].id, Role.CLERK),
            (LIU, gongjiang.id, Role.CLERK),
        ):
            codes[person] = store.create_invite(org, role, now=now).code
    return path, codes, towns


def fill_reports(path: Path, towns) -> tuple[Report, Report]:
    """蟠龙镇 has finished its report; 凤岗镇 entered table 3 with an error (5 new
    applications, no results); 湖边镇 has not begun."""
    with Store(path) as store:
        a = store.save_imported(
            towns["蟠龙镇"].id,
            2024,
            complete(
                "赣州经开区蟠龙镇人民政府",
                review__upheld=2,
                applications__new__natural_person=3,
                applications__granted__natural_person=3,
            ),
            person_id=LI,
        )
        store.set_status(a.id, ReportStatus.FINAL, person_id=LI)
        b = store.report(towns["凤岗镇"].id, 2024)
        table3 = {c.id: Decimal(0) for c in CURRENT.entered_cells if c.table.id == "applications"}
        table3.update({"applications.new.natural_person": Decimal(5), "review.upheld": Decimal(1)})
        store.write_figures(b.id, table3, person_id=WANG)
        return store.load(a.id), store.load(b.id)


@pytest.mark.anyio
async def test_the_county_offices_january(botapi_inprocess, county_db):
    path, codes, towns = county_db
    log: list[str] = []
    async with botapi_inprocess.async_client() as client:
        names = {
            SUPERVISOR: "县政务公开办",
            LI: "李文书（蟠龙镇）",
            WANG: "王干事（凤岗镇）",
            ZHANG: "张科员（湖边镇）",
            LIU: "刘干事（贡江镇）",
        }
        for user_id, name in names.items():
            await client.add_user(user_id, name)
        actors = {u: Actor(client, u, n, log) for u, n in names.items()}
        county, _, wang, zhang, liu = actors.values()

        log.append("## Monday 6 January: everyone joins")
        with time_machine.travel(datetime(2025, 1, 6, 10, 0, tzinfo=SHANGHAI), tick=True):
            async with bot_running(botapi_inprocess, path) as bot_data:
                await runs_finished(bot_data, 1)
                for actor in actors.values():
                    await actor.start(codes[actor.user_id])
                joined = county.text(county.received)
                assert "您已加入 赣州经济技术开发区党政办公室（上级主管）" in joined
                assert "/progress" in joined and "/summary" in joined
                assert "还没有加入任何单位" not in joined and "/fill 继续填写" not in joined
                snapshot = await client.snapshot(with_content=False)
                menus = {
                    (c["key"]["scope"]["type"], c["key"]["scope"].get("chat_id")): [
                        command["command"] for command in c["commands"]
                    ]
                    for c in snapshot.commands
                }
                # The supervisor's chat has its own menu; the clerks keep the default one.
                assert menus[("chat", SUPERVISOR)] == ["progress", "summary", "deadline", "help"]
                assert "fill" in menus[("default", None)]
                assert "progress" not in menus[("default", None)]
                assert ("chat", LI) not in menus
                await county.command("fill")
                assert "不需要在这里填写本单位的报告" in county.text(county.received[-1:])

        with time_machine.travel(datetime(2025, 1, 6, 16, 20, tzinfo=SHANGHAI)):
            fill_reports(path, towns)
        log.append(
            "## Tuesday 7 January: a deadline, the progress, a reminder\n\n"
            "*(By now 蟠龙镇 has generated its final report; 凤岗镇 has entered table 3, with"
            " 5 new applications and no results yet; 湖边镇 has not begun.)*"
        )
        with time_machine.travel(datetime(2025, 1, 7, 10, 0, tzinfo=SHANGHAI), tick=True):
            async with bot_running(botapi_inprocess, path) as bot_data:
                await runs_finished(bot_data, 1)
                await county.command("deadline", "1月15日")
                said = county.text(county.received[-1:])
                assert (
                    "已将下级单位（蟠龙镇、凤岗镇、湖边镇）2024年度报告的截止日期定为2025年1月15日"
                    in said
                )
                assert "已通知尚未完成的单位填报人员2人" in said
                for clerk in (wang, zhang):
                    await clerk.settle()
                    assert "已将" in clerk.text(clerk.received[-1:])
                    assert "定为2025年1月15日（星期三），还有8天" in clerk.text(clerk.received[-1:])
                await county.command("progress")
                progress = county.text(county.received[-1:])
                assert "截止日期：2025年1月15日（星期三），还有8天。" in progress
                assert "✅ 蟠龙镇：已生成正式报告" in progress
                assert "❌ 凤岗镇：已填" in progress and "1处错误" in progress
                assert "⬜ 湖边镇：未开始" in progress and "贡江镇" not in progress
                await county.taps("提醒未完成的单位")
                nudged = county.text(county.received[-1:])
                assert "已提醒2人（凤岗镇、湖边镇）" in nudged
                assert "已完成、不再提醒：蟠龙镇" in nudged
                for clerk in (wang, zhang):
                    await clerk.settle()
                    assert "赣州经济技术开发区党政办公室提醒您" in clerk.text(clerk.received[-1:])
                assert not [m for m in await client.bot_messages(LI) if "提醒您" in (m.text or "")]
                assert len(await client.bot_messages(LIU)) == 1  # only the welcome

        log.append(
            "## Friday 24 January: the county's deadline has passed\n\n"
            "*(The bot starts at 09:30; the morning's reminders go out at once.)*"
        )
        with time_machine.travel(datetime(2025, 1, 24, 9, 30, tzinfo=SHANGHAI), tick=True):
            async with bot_running(botapi_inprocess, path) as bot_data:
                await runs_finished(bot_data, 1)
                for clerk in (wang, zhang, liu):
                    await clerk.settle()
                late = wang.text(wang.received[-1:])
                assert "的截止日期2025年1月15日（星期三）已过9天" in late
                assert "最迟不得晚于法定期限2025年1月31日（星期五）" in late
                assert "还有7天" in liu.text(liu.received[-1:])  # the neighbouring county
                await county.command("progress")
                progress = county.text(county.received[-1:])
                assert "已过期9天" in progress and "还有-" not in progress
                assert "已过截止日期仍未完成的2个：凤岗镇、湖边镇。" in progress
                out = await county.command("summary", "2024")
                said = county.text(out)
                assert "尚未定稿，合计仅供参考：凤岗镇（未定稿，1处错误未改）" in said
                assert "未填任何数据：湖边镇" in said
                files = {m.document.file_name: m.document for m in out if m.document}
                xlsx_name = "开发区2024年度政府信息公开工作年度报告汇总表.xlsx"
                docx_name = xlsx_name.replace(".xlsx", ".docx")
                assert set(files) == {xlsx_name, docx_name}
                xlsx = await client.file_bytes(files[xlsx_name].file_id)
                word = await client.file_bytes(files[docx_name].file_id)
        await client.assert_no_rejected_calls()

    with Store(path) as store:
        a = store.load(store.report(towns["蟠龙镇"].id, 2024).id)
        b = store.load(store.report(towns["凤岗镇"].id, 2024).id)
    entered: dict[str, Decimal] = {}
    for report in (a, b):
        for cell_id, value in report.figures.items():
            if not CURRENT.cell(cell_id).computed:
                entered[cell_id] = entered.get(cell_id, Decimal(0)) + value
    summed = Report(organisation="合计", year=2024, figures=entered)
    cells = [c for t in CURRENT.tables for c in t.cells]

    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "表格")
    assert rows[header][4:] == ("合计", "蟠龙镇", "凤岗镇", "湖边镇")
    assert rows[header + 1][5:] == ("已定稿", "未定稿，1处错误未改", "未填")
    for cell, row in zip(cells, rows[header + 2 :], strict=True):
        expected = [summed.value(cell.id), a.value(cell.id), b.value(cell.id), None]
        assert row[3] == cell.unit.symbol
        assert list(row[4:]) == [
            "未填" if v is None else int(v) if v == int(v) else float(v) for v in expected
        ], cell.id

    table = docx.Document(io.BytesIO(word)).tables[0]
    assert [c.text for c in table.rows[0].cells][2:] == ["合计", "蟠龙镇", "凤岗镇", "湖边镇"]
    figures = [[c.text for c in r.cells] for r in table.rows[2:]]
    figures = [r for r in figures if len(set(r)) > 1]
    for cell, row in zip(cells, figures, strict=True):
        expected = [summed.value(cell.id), a.value(cell.id), b.value(cell.id), None]
        assert row[2:] == ["未填" if v is None else format_figure(v) for v in expected], cell.id

    TRANSCRIPT.write_text(
        "# The county office's January (generated by `tests/test_county_january.py`)\n\n"
        "What the county office (县政务公开办) and the township clerks see in Telegram, in"
        " order. Button taps are in square brackets; the bot's messages are quoted; a message"
        " a clerk receives without having written is marked *（…收到）*. The summary DOCX's"
        " first page is `docs/summary-page1.png`.\n\n" + "\n\n".join(log) + "\n",
        encoding="utf-8",
    )


@pytest.mark.anyio
async def test_a_nudge_to_a_clerk_who_blocked_the_bot_is_reported_and_marked(
    botapi_inprocess, county_db
):
    path, codes, _ = county_db
    log: list[str] = []
    async with botapi_inprocess.async_client() as client:
        for user_id, name in ((SUPERVISOR, "县政务公开办"), (WANG, "王干事"), (ZHANG, "张科员")):
            await client.add_user(user_id, name)
        county, wang, zhang = (
            Actor(client, u, n, log)
            for u, n in ((SUPERVISOR, "县政务公开办"), (WANG, "王干事"), (ZHANG, "张科员"))
        )
        with time_machine.travel(datetime(2025, 1, 7, 10, 0, tzinfo=SHANGHAI), tick=True):
            async with bot_running(botapi_inprocess, path) as bot_data:
                await runs_finished(bot_data, 1)
                for actor in (county, wang, zhang):
                    await actor.start(codes[actor.user_id])
                assert await client.block_bot(ZHANG)
                await county.command("progress")
                out = await county.taps("提醒未完成的单位")
                await wang.settle()
                said = county.text(out)
                # Counted as reminded before sending; the adapter then says who was not reached.
                assert "其中1人未能送达（已屏蔽本机器人或注销账号），实际送达1人" in said
                assert "未送达：张科员" in said
                await county.command("progress")
                lines = county.text(county.received[-1:]).splitlines()
                (huibian,) = [line for line in lines if "湖边镇" in line]
                assert "无法联系：张科员" in huibian
        with Store(path) as store:
            assert store.unreachable() == {ZHANG}
        assert "提醒您" in wang.text(wang.received[-1:])
