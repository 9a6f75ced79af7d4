"""The terminal console: the same dialogs, driven by typed lines."""

from click.testing import CliRunner

from bot.cli import main
from storage import Store


def test_console_fills_and_saves_answers(tmp_path):
    db = tmp_path / "console.db"
    lines = "本年度，我镇全年主动公开政府信息56条。\n#4\n#3\n#3\n#3\n#3\n0 0 0\n/review\n/quit"
    result = CliRunner().invoke(
        main,
        ["console", "--db", str(db), "--org", "某县某镇人民政府", "--out", str(tmp_path)],
        input=lines + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "已创建单位：某县某镇人民政府" in result.output
    assert "【一、总体情况】（1/6）" in result.output
    assert "[#1 补充]" in result.output
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
