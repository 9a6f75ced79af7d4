"""The test server parses parse_mode text exactly as Telegram does.

Cases are tdlib's own (test/message_entities.cpp in tdlib/td), plus descriptions seen
from api.telegram.org, so the server fails a message where Telegram would.
"""

from __future__ import annotations

import pytest

from tests.botapi.errors import ApiError
from tests.botapi.formatting import (
    ParseError,
    find_bot_commands,
    format_text,
    parse_html,
    utf16_length,
)

STADIUM = "🏟 🏟"  # tdlib's favourite prefix: two astral characters, 9 UTF-8 bytes


def e(kind: str, offset: int, length: int, **extra: str) -> dict:
    return {"type": kind, "offset": offset, "length": length, **extra}


@pytest.mark.parametrize(
    ("html", "error"),
    [
        (
            "&#57311;",
            (
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            ),
        ),
        (f"{STADIUM}&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        (f"{STADIUM}&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        (f"{STADIUM}&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        (
            f"{STADIUM}&lt;<i    aba>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
        ),
        (f"{STADIUM}&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        (
            f"{STADIUM}&lt;<i    aba  =  190azAz-.,",
            "Unexpected end of name token at byte offset 27",
        ),
        (f'{STADIUM}&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        (f"{STADIUM}&lt;</", "Unexpected end tag at byte offset 13"),
        (f"{STADIUM}&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        (f"{STADIUM}&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            f"{STADIUM}&lt;<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
        (
            "<b><i>test</b></i>",
            'Unmatched end tag at byte offset 10, expected "</i>", found "</b>"',
        ),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_errors_match_telegram(html: str, error: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_html(html)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '<>&"&laquo;&raquo;&#12345678;', []),
        ("a & b, 1 > 0", "a & b, 1 > 0", []),
        ("➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>", "➡️ ➡️➡️ ➡️➡️ ➡️", [e("italic", 5, 5), e("bold", 10, 5)]),
        (f"{STADIUM}<i>🏟 &lt🏟</i>", f"{STADIUM}🏟 <🏟", [e("italic", 5, 6)]),
        (
            f"{STADIUM}<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
            f"{STADIUM}🏟 ><🏟",
            [e("italic", 5, 7), e("bold", 9, 3)],
        ),
        (f"{STADIUM}&lt;<i    aba  =  '&lt;&gt;&quot;'>a</>", f"{STADIUM}<a", [e("italic", 6, 1)]),
        (f"{STADIUM}&lt;<b></b>", f"{STADIUM}<", []),
        (
            "<code><i><b> </b></i></code><i><b><code> </code></b></i>",
            "  ",
            [
                e("code", 0, 1),
                e("bold", 0, 1),
                e("italic", 0, 1),
                e("code", 1, 1),
                e("bold", 1, 1),
                e("italic", 1, 1),
            ],
        ),
        ("<a href=telegram.org> </a>", " ", [e("text_link", 0, 1, url="http://telegram.org/")]),
        (
            "<a   href=  'telegram.org?&lt;'   > </a>",
            " ",
            [e("text_link", 0, 1, url="http://telegram.org/?<")],
        ),
        ("<a> </a>", " ", []),
        ("<a>telegram.org </a>", "telegram.org ", []),
        (
            "<a>telegram.org</a>",
            "telegram.org",
            [e("text_link", 0, 12, url="http://telegram.org/")],
        ),
        (
            f'{STADIUM}&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>',
            f"{STADIUM}<🏟 🏟<",
            [e("pre", 6, 6, language="fift")],
        ),
        (
            f'{STADIUM}&lt;<pre> <code class="language-fift">🏟 🏟&lt;</></>',
            f"{STADIUM}< 🏟 🏟<",
            [e("pre", 6, 7), e("code", 7, 6)],
        ),
        (
            '<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>',
            "xy",
            [e("spoiler", 0, 1), e("spoiler", 1, 1)],
        ),
        ("<blockquote expandable>q</blockquote>", "q", [e("expandable_blockquote", 0, 1)]),
    ],
)
def test_html_parses_like_telegram(html: str, text: str, entities: list[dict]) -> None:
    assert parse_html(html) == (text, entities)


@pytest.mark.parametrize("mode", ["MarkdownV2", "Markdown"])
def test_markdown_is_refused_as_not_emulated(mode: str) -> None:
    """The bot sends HTML only; a Markdown message fails loudly instead of passing unchecked."""
    with pytest.raises(ApiError, match="only parse_mode HTML is emulated"):
        format_text("*粗体*", mode, None, max_length=4096)


def test_lengths_are_counted_in_utf16_code_units() -> None:
    assert utf16_length("年报") == 2
    assert utf16_length("📄") == 2
    format_text("📄" * 2048, None, None, max_length=4096)
    with pytest.raises(ApiError, match="message is too long"):
        format_text("📄" * 2048 + "x", None, None, max_length=4096)


def test_length_is_checked_after_entity_parsing() -> None:
    text, entities = format_text("<b>" + "年" * 4096 + "</b>", "HTML", None, max_length=4096)
    assert len(text) == 4096 and entities == [e("bold", 0, 4096)]


def test_surrounding_whitespace_is_trimmed_with_entities_kept_on_their_characters() -> None:
    assert format_text("  <b>年报</b>  \n", "HTML", None, max_length=4096) == (
        "年报",
        [e("bold", 0, 2)],
    )


def test_explicit_entities_win_over_parse_mode_and_are_checked() -> None:
    assert format_text("<b>x</b>", "HTML", [e("italic", 0, 3)], max_length=4096) == (
        "<b>x</b>",
        [e("italic", 0, 3)],
    )
    with pytest.raises(ApiError) as raised:
        format_text("hello", None, [e("bold", 0, 100)], max_length=4096)
    assert raised.value.description == (
        "Bad Request: entity beginning at UTF-16 offset 0 ends after the end of the text "
        "at UTF-16 offset 100"
    )


def test_bot_commands_are_found_as_telegram_finds_them() -> None:
    assert find_bot_commands("/start abc") == [e("bot_command", 0, 6)]
    assert find_bot_commands("年报 /help@nianbao_bot now") == [e("bot_command", 3, 17)]
    assert find_bot_commands("a/b /x/y http://x/y") == []
