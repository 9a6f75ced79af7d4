"""Every string of the document layer a person reads, in one place (Simplified Chinese).

Style names are shown in Word's style list, so they are here too.
"""

from __future__ import annotations

# --- the document --------------------------------------------------------------------------------

TITLE_SUFFIX = "年政府信息公开工作年度报告"
DRAFT_MARK = "征求意见稿"
DATE_BLANK = "年　月　日"

STYLE_TITLE = "年报标题"
STYLE_HEADING_1 = "年报一级标题"
STYLE_HEADING_2 = "年报二级标题"
STYLE_BODY = "年报正文"
STYLE_TABLE = "年报表格文字"
STYLE_TABLE_HEADER = "年报表头文字"
STYLE_CLOSING = "年报落款"
STYLE_PAGE_NUMBER = "年报页码"

TABLE_NAMES = {2: "表二", 3: "表三", 4: "表四"}


def table_name(section_number: int) -> str:
    """``表三`` for the table of section 三."""
    return TABLE_NAMES.get(section_number, f"第{section_number}部分表格")


def issued_line(year: int, month: int, day: int) -> str:
    return f"{year}年{month}月{day}日"


# --- refusing a file -----------------------------------------------------------------------------

REJECT_TOO_LARGE = "文件超过 {limit} MB，不像是一份年度报告，未予读取。请检查是否提交错了文件。"
REJECT_EMPTY = "文件是空的，未予读取。"
REJECT_OLD_DOC = (
    "这是旧版 Word（.doc）文件或设置了打开密码的文档，无法读取。"
    "请在 Word 或 WPS 中取消密码并“另存为”.docx 格式后再提交。"
)
REJECT_PDF = "这是 PDF 文件，无法读取其中的表格。请提交 Word（.docx）格式的年度报告。"
REJECT_IMAGE = "这是图片文件，不是 Word 文档。请提交 Word（.docx）格式的年度报告。"
REJECT_NOT_ZIP = "文件不是 Word（.docx）文档，无法读取。请提交 Word（.docx）格式的年度报告。"
REJECT_NO_DOCUMENT = "压缩包中没有 Word 正文，不是 Word（.docx）文档。"
REJECT_TOO_MANY_MEMBERS = "文件内部包含的部件过多（超过 {limit} 个），疑似异常文件，未予读取。"
REJECT_BOMB = "文件解压后超过 {limit} MB，疑似异常文件（压缩炸弹），未予读取。"
REJECT_DTD = "文件正文含有 XML 实体声明，这是正常 Word 文档不会有的内容，疑似恶意文件，未予读取。"
REJECT_BAD_XML = "文件正文已损坏，无法解析（{detail}）。请在 Word 中打开并重新保存后再提交。"
REJECT_UNSAFE_NAMES = "文件内部的部件名称指向压缩包之外（含“../”等），这是正常 Word 文档不会有的，疑似恶意文件，未予读取。"
REJECT_XINCLUDE = (
    "文件正文引用了外部内容（XInclude），这是正常 Word 文档不会有的，疑似恶意文件，未予读取。"
)
REJECT_TOO_DEEP = "文件正文的层级超过 {limit} 层，不像是一份年度报告，疑似异常文件，未予读取。"
REJECT_TABLES_NESTED = "文件中表格套表格超过 {limit} 层，不像是一份年度报告，未予读取。"
#: libxml2's complaint (English) → what the clerk reads; the first match wins.
XML_PROBLEMS = (
    ("amplification", "实体展开过多，疑似恶意文件"),
    ("entity", "含有实体引用"),
    ("depth", "层级过深"),
    ("encoding", "字符编码无效"),
    ("char", "含有无效字符"),
    ("memory", "内存不足"),
    ("huge", "内容过大"),
    ("document is empty", "正文为空"),
    ("end of data", "内容不完整"),
    ("premature end", "内容不完整"),
)
XML_OTHER = "XML 格式错误"
XML_AT_LINE = "，第 {line} 行"
BAD_ZIP_DETAILS = {
    "BadZipFile": "压缩数据校验失败",
    "RuntimeError": "文件已加密",
    "NotImplementedError": "不支持的压缩方式",
}
BAD_ZIP_OTHER = "读取压缩数据出错"


def xml_refusal(problem: str, line: int | None) -> str:
    """The refusal of a file whose XML the parser rejected, naming the kind of problem in
    Chinese (the parser's English is never shown)."""
    lowered = problem.lower()
    detail = next((zh for key, zh in XML_PROBLEMS if key in lowered), XML_OTHER)
    if line and detail == XML_OTHER:
        detail += XML_AT_LINE.format(line=line)
    return REJECT_BAD_XML.format(detail=detail)


REJECT_TOO_MANY_TABLES = "文件包含的表格超过 {limit} 张，不像是一份年度报告，未予读取。"
REJECT_TOO_MANY_ROWS = "文件包含的表格行超过 {limit} 行，不像是一份年度报告，未予读取。"
REJECT_TOO_MANY_CELLS = "文件包含的表格单元格超过 {limit} 个，不像是一份年度报告，未予读取。"
REJECT_TOO_MANY_PARAGRAPHS = "文件包含的段落超过 {limit} 段，不像是一份年度报告，未予读取。"
REJECT_TOO_COSTLY = (
    "读取该文件所需的时间或内存超出限度，疑似异常文件，未予读取。"
    "如确是年度报告，请在 Word 中打开并“另存为”新的 .docx 文件后再提交。"
)
REJECT_TEXT_TOO_LARGE = "文本超过 {limit} MB，不像是一份年度报告，未予读取。"
REJECT_NOT_TEXT = "文件不是可读的文本（既不是 UTF-8 也不是 GB18030 编码）。"
REJECT_YEAR = "标题中的年份是{year}年；本系统只处理2019年及以后的年度报告（2019年修订的《条例》施行后的格式）。"
REJECT_NOTHING_FOUND = "文件中既没有找到年度报告的标题，也没有找到任何一张年报表格，不像是一份政府信息公开工作年度报告。"

# --- what could not be read ----------------------------------------------------------------------

UNKNOWN_ORGANISATION = "（未识别的机关）"

WHERE_TITLE = "标题"
WHERE_DOCUMENT = "全文"


def where_cell(table: str, row: int, column: int | None = None) -> str:
    """``表三 第5行 第2列``; rows and columns are counted in the printed table, from 1."""
    return f"{table} 第{row}行" + (f" 第{column}列" if column is not None else "")


def where_table(table: str, part: int | None = None) -> str:
    return table if part is None else f"{table}（第{part}个表格）"


def where_section(heading: str) -> str:
    return f"“{heading}”部分"


NO_TITLE = (
    "未找到“××（机关名称）××××年政府信息公开工作年度报告”格式的标题，无法确定机关名称和年份。"
)
TABLE_NOT_FOUND = "未找到{table}（{title}），该表的数字均未读取。"
ROW_NOT_FOUND = "未找到“{label}”这一行，该行的数字未读取。"
ROW_DUPLICATE = "“{label}”这一行出现了不止一次，已按第一次出现的读取，此处未读取。"
ROW_WRONG_COUNT = "“{label}”这一行应有 {expected} 个数字，实际有 {found} 个，无法确定各数字对应的栏目，该行未读取。"
CELL_UNREADABLE = "“{label}”一栏填写的是“{text}”，{reason}"
ROW_UNKNOWN = "“{label}”不是本表的栏目，这一行的数字未读取。"
TEXT_TOO_LONG = "这部分文字超过 {limit} 字，超出部分未读取。"
SECTION_NOT_FOUND = "未找到“{heading}”部分的标题，该部分内容未读取。"
PART_NOT_FOUND = "未找到“{heading}”的小标题，该部分内容未读取。"
FORMAT_YEAR_MISMATCH = "表格是{format}，而标题中的年份是{year}年，该年度应使用{expected}。"
FORMAT_GUESSED = "未能从表头判断报告格式，按{format}读取。"
