"""The layers' imports point inward: bot → dialogs, storage, exports → report.

dialogs/ may use storage/ (the engine runs the conversation against a ``Store``); nothing
imports bot/; only storage/ touches SQLite and only bot/ touches Telegram.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("report", "dialogs", "storage", "exports", "bot")

#: What each package may import of the others (itself always).
ALLOWED = {
    "report": set(),
    "storage": {"report"},
    "exports": {"report"},
    "dialogs": {"report", "storage"},
    "bot": {"report", "storage", "exports", "dialogs"},
}
#: Third-party modules only one package may import.
OWNED = {"sqlite3": "storage", "sqlite_utils": "storage", "telegram": "bot"}
#: Chinese characters and the full-width punctuation that goes with them.
CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def imports(package: str) -> list[tuple[str, str]]:
    """Every (file:line, top-level module) imported anywhere in ``package`` (also in functions)."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            found.extend((where, name.split(".")[0]) for name in names)
    return found


def test_imports_point_inward():
    wrong = [
        f"{where} imports {module}"
        for package in PACKAGES
        for where, module in imports(package)
        if module in PACKAGES and module != package and module not in ALLOWED[package]
    ]
    assert wrong == []


def test_sqlite_only_in_storage_and_telegram_only_in_bot():
    wrong = [
        f"{where} imports {module}"
        for package in PACKAGES
        for where, module in imports(package)
        if OWNED.get(module, package) != package
    ]
    assert wrong == []


def test_the_check_sees_a_wrong_import(tmp_path, monkeypatch):
    """The checks above would catch a report module that imports storage."""
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "bad.py").write_text(
        "def f():\n    import sqlite3\n    from storage import Store\n", encoding="utf-8"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert imports("report") == [("report/bad.py:2", "sqlite3"), ("report/bad.py:3", "storage")]


def chinese_literals(package: str) -> list[str]:
    """Every string literal with Chinese in it in ``package``, docstrings left out (comments are
    not in the syntax tree)."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found.extend(
            f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and CJK.search(node.value)
        )
    return found


def test_storage_raises_data_and_words_nothing():
    """What the store refuses is worded where people are spoken to (dialogs/errors.py)."""
    assert chinese_literals("storage") == []


def test_the_check_sees_a_chinese_sentence_but_not_a_docstring(tmp_path, monkeypatch):
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "bad.py").write_text(
        '"""模块说明。"""\n\n\ndef f():\n    """函数说明。"""\n    # 注释\n'
        '    raise ValueError("未找到该单位。")\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert chinese_literals("storage") == ["storage/bad.py:7 '未找到该单位。'"]
