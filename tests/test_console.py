"""The terminal console: the same dialogs, driven by typed lines."""

import subprocess
import sys
from datetime import date

from click.testing import CliRunner

from bot.cli import main
from dialogs.deadlines import reporting_year
from dialogs.model import Command
from storage import Role, Store


def test_console_fills_and_saves_answers(tmp_path):
    db = tmp_path / "console.db"
    lines = "本年度，我镇全年主动公开政府信息56条。\n#2\n#2\n#2\n#2\n#2\n0 0 0\n/review\n/quit"
    result = CliRunner().invoke(
        main,
        ["console", "--db", str(db), "--org", "某县某镇人民政府", "--out", str(tmp_path)],
        input=lines + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "已创建单位：某县某镇人民政府" in result.output
    assert "【一、总体情况】（1/6）" in result.output
    assert "[#5 补充上一部分]" in result.output
    assert "已记录 规章：0 0 0" in result.output
    assert "预览（草稿）" in result.output
    with Store(db) as store:
        org = store.find_organisation("某县某镇人民政府")
        (year,) = store.years(org.id)
        report = store.load(store.report(org.id, year).id)
    assert report.texts["overview.summary"] == "本年度，我镇全年主动公开政府信息56条。"
    assert report.figures["disclosure.rules.issued"] == 0


def test_console_refuses_an_unknown_button_without_losing_anything(tmp_path):
    result = CliRunner().invoke(
        main, ["console", "--db", str(tmp_path / "c.db")], input="#99\n/quit\n"
    )
    assert result.exit_code == 0
    assert "没有这个按钮或文件" in result.output


def test_start_without_a_token_runs_the_console(tmp_path, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("NIANBAO_DB", str(tmp_path / "s.db"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["start"], input="/quit\n")
    assert result.exit_code == 0
    assert "未设置 TELEGRAM_BOT_TOKEN，现在启动终端版" in result.output
    assert "【一、总体情况】（1/6）" in result.output


def test_run_with_a_malformed_token_is_one_line_without_the_token(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token-secretvalue")
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == "Error: TELEGRAM_BOT_TOKEN is malformed (expected digits, a colon and the secret part)"
    )
    assert "secretvalue" not in result.output
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    result = CliRunner().invoke(main, ["run"])
    assert result.output.strip() == "Error: TELEGRAM_BOT_TOKEN is not set"


def test_console_acts_as_either_person_of_a_review(tmp_path):
    from tests.test_review_dialogs import CLERK, SUPERVISOR, set_up_county

    db = tmp_path / "review.db"
    with Store(db) as store:
        report_id = set_up_county(store, year=reporting_year(date.today()))
        store.submit(report_id, person_id=CLERK)
    result = CliRunner().invoke(
        main,
        ["console", "--db", str(db), "--person", str(SUPERVISOR), "--out", str(tmp_path)],
        input="/quit\n",
    )
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "蟠龙镇：" in x)
    assert "已填100%" in line and "待审核" in line
    # The clerk sees the report waiting for review, and may only withdraw it.
    result = CliRunner().invoke(
        main,
        ["console", "--db", str(db), "--person", str(CLERK), "--out", str(tmp_path)],
        input="/review\n/quit\n",
    )
    assert "正在等待审核" in result.output and "撤回审核申请" in result.output
    with Store(db) as store:
        assert store.review(report_id).status.value == "submitted"
    result = CliRunner().invoke(main, ["console", "--db", str(db), "--person", "77"])
    assert result.exit_code == 1 and "no person 77" in result.output


def _console(db, person: str, lines: str):  # type: ignore[no-untyped-def]
    args = ["console", "--db", str(db), "--org", "某县某镇人民政府", "--person", person]
    result = CliRunner().invoke(main, args, input=lines + "\n/quit\n")
    assert result.exit_code == 0, result.output
    return result.output


def _report(db):  # type: ignore[no-untyped-def]
    with Store(db) as store:
        org = store.find_organisation("某县某镇人民政府")
        (year,) = store.years(org.id)
        return store.load(store.report(org.id, year).id)


def test_the_question_buttons_stay_usable_after_a_refusal(tmp_path):
    db = tmp_path / "c.db"
    # Skip the six parts (#1 is 先填表格 at first), then a refused row: #1 is still the question's 本行全为0.
    output = _console(db, "李文书", "#3\n#2\n#2\n#2\n#2\n#2\n1 2\n#1")
    assert "这一行要填3个数" in output
    assert "当前问题的按钮仍可使用" in output
    assert "已记录 规章：0 0 0" in output
    assert _report(db).figures["disclosure.rules.issued"] == 0


def test_each_console_person_has_their_own_conversation(tmp_path):
    db = tmp_path / "c.db"
    _console(db, "李文书", "#3\n#2\n#2\n#2\n#2\n#2")  # 李 is now on table 二's first row
    output = _console(db, "王干事", "王干事写的综述。")  # 王 starts at the first part
    assert "已保存（上一部分共8字）" in output
    output = _console(db, "李文书", "1 1 1")  # 李 answers the row he was asked, not 王's part
    assert "已记录 规章：1 1 1" in output
    report = _report(db)
    assert report.texts["overview.summary"] == "王干事写的综述。"
    assert report.figures["disclosure.rules.issued"] == 1


def test_a_typed_answer_for_an_earlier_question_is_not_applied_to_the_current_one(tmp_path):
    from dialogs.console import question_seq
    from dialogs.model import TextInput
    from tests.test_dialogs import make_engine

    with Store(tmp_path / "c.db") as store:
        org = store.add_organisation("某县某镇人民政府")
        store.upsert_person(7, "李文书")
        store.add_membership(7, org.id, Role.CLERK)
        engine = make_engine(store, date(2025, 1, 8))
        first = engine.handle(7, Command(name="fill"))
        seq = question_seq(first)
        engine.handle(7, TextInput(text="综述。", seq=seq))  # answered: the next part is asked
        late = engine.handle(7, TextInput(text="另一台电脑上打的字。", seq=seq))
        assert "这条回答是给前一个问题的" in "\n".join(m.text for m in late)
        report = store.load(store.report(org.id, 2024).id)
    assert report.texts == {"overview.summary": "综述。"}


def test_a_first_typed_fill_does_not_open_the_report_twice(tmp_path):
    """The console opens with /fill itself: a clerk who types /fill first (as the chat taught
    them) sees the opening once, its buttons still usable; a later /fill resumes as in the
    chat."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--db", str(tmp_path / "c.db")],
        input="/fill\n#1\n/fill\n/quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    opened, _, later = done.stdout.partition("（启动时已执行 /fill，见上文。）")
    assert opened.count("开始填写") == 1 and opened.count("【一、总体情况】（1/6）") == 1
    # #1 is still 先填表格: the tables come first; the second /fill resumes there.
    tables, _, resumed = later.partition("开始填写")
    assert "【二、主动公开政府信息情况】（1/6）" in tables
    assert "【二、主动公开政府信息情况】（1/6）" in resumed and "开始填写" not in resumed
