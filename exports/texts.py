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

# --- refusing a ledger file (依申请公开台账) ----------------------------------------------------

LEDGER_TOO_LARGE = "文件超过 {limit} MB，不像是一份依申请公开台账，未予读取。请检查是否发错了文件。"
LEDGER_NOT_A_LEDGER = (
    "无法读取这个文件。台账请用 Excel（.xlsx、.xls）、WPS 表格另存的 .xlsx、CSV 文件，"
    "或含有台账表格的 Word（.docx）文档。"
)
LEDGER_OLD_DOC = (
    "这是旧版 Word（.doc）文件，无法读取。请在 Word 或 WPS 中“另存为”.docx 或 .xlsx 格式后再发送。"
)
LEDGER_PDF = "这是 PDF 文件，无法读取其中的台账。请发送 Excel（.xlsx、.xls）或 CSV 格式的台账。"
LEDGER_CORRUPT = (
    "文件已损坏或设置了打开密码，无法读取。请在 Excel 或 WPS 中取消密码并重新保存后再发送。"
)
LEDGER_DTD = "文件内部含有 XML 实体声明，这是正常表格文件不会有的内容，疑似恶意文件，未予读取。"
LEDGER_UNREADABLE = (
    "无法读取这个表格文件，文件可能已损坏。请在 Excel 或 WPS 中打开并“另存为”.xlsx 后再发送。"
)
LEDGER_CSV_UNREADABLE = (
    "无法读取这个 CSV 文件：某一格的内容过长，或引号没有成对。"
    "请在 Excel 或 WPS 中打开并“另存为”.xlsx 后再发送。"
)
LEDGER_CSV_NUL = (
    "文件中含有空字符（NUL），不是正常的 CSV 文本，无法读取。"
    "请在 Excel 或 WPS 中打开并“另存为”.xlsx 后再发送。"
)
LEDGER_LINE_TOO_LONG = "CSV 文件中有一行超过 {limit} 字，不像是一份依申请公开台账，未予读取。"
LEDGER_UNSAFE_NAMES = "文件内部的部件名称指向压缩包之外（含“../”等），这是正常表格文件不会有的，疑似恶意文件，未予读取。"
LEDGER_TOO_COSTLY = (
    "读取该文件所需的时间或内存超出限度，疑似异常文件，未予读取。"
    "如确是台账，请在 Excel 或 WPS 中打开并“另存为”新的 .xlsx 文件后再发送。"
)
LEDGER_NO_TABLE_IN_DOCX = "这份 Word 文档中没有台账表格（找不到“申请人类型”“答复日期”等表头）。"
LEDGER_TOO_MANY_SHEETS = "文件包含的工作表超过 {limit} 个，不像是一份依申请公开台账，未予读取。"
LEDGER_TOO_MANY_ROWS = "表格超过 {rows} 行或 {columns} 列，不像是一份依申请公开台账，未予读取。"
LEDGER_DOCX_TABLE = "表格{number}"
#: A Word file over a reader's limit, read as a ledger: what is over it, and what to send.
LEDGER_DOCX_OVER_LIMIT = (
    "这份 Word 文档的{what}，无法作为台账读取。"
    "请把台账表格复制到 Excel 或 WPS 表格中，另存为 .xlsx 或 CSV 文件后再发送。"
)
LEDGER_DOCX_LIMITS = {
    "tables": "表格超过 {limit} 张",
    "rows": "表格行超过 {limit} 行",
    "cells": "表格单元格超过 {limit} 个",
    "paragraphs": "段落超过 {limit} 段",
    "depth": "正文层级超过 {limit} 层",
    "nesting": "表格套表格超过 {limit} 层",
}

# --- the review appendix -------------------------------------------------------------------------

APPENDIX_TITLE = "附件：审核情况说明"
APPENDIX_ACCEPTED = "一、经核对确认的提示"
APPENDIX_ACCEPTED_ITEM = "{number}. {description}确认理由：{reason}（{person}，{date}确认）。"
APPENDIX_FAR = "二、与上年相比变化较大的数字"
APPENDIX_FAR_RULE = "“变化较大”指本年数字达到上年的{ratio}倍及以上，或在上年的{fraction}及以下，且与上年相差{difference}及以上。"
APPENDIX_FAR_ITEM = "{number}. {label}：本年{now}，上年{last}。"
APPENDIX_NO_PREVIOUS = "没有上年报告数据，未作比较。"
APPENDIX_AUTHORS = "三、填报情况"
APPENDIX_AUTHOR_ITEM = "“{heading}”：{people}填报，最后修改于{date}。"
APPENDIX_AUTHOR_EMPTY = "“{heading}”：未填报。"
APPENDIX_AUTHOR_UNKNOWN = "“{heading}”：由导入的文件填入，最后修改于{date}。"
APPENDIX_APPROVAL = "四、审核情况"
APPENDIX_APPROVED = "{person}于{date}审核通过。"
APPENDIX_NOT_APPROVED = "本报告尚未审核通过（当前状态：{status}）。"
APPENDIX_NONE = "无。"
PEOPLE_SEPARATOR = "、"
UNKNOWN_PERSON = "未署名人员"

ROW_AMBIGUOUS = (
    "“{label}”与本表的“{first}”“{second}”两行都相近，无法确定是哪一行，该行的数字未读取。"
)
ROW_SIMILAR = "“{label}”与本表的“{row}”相近（疑为笔误），已按“{row}”读取，请核对。"
LEGACY_OTHER_ROW = (
    "此处印的是2019—2020年格式的单行“（六）其他处理”（现行格式分为3个子项），"
    "其数字已计入“3.其他”，未能分到“1.申请人无正当理由逾期不补正…”和“2.申请人逾期未按收费通知要求缴纳费用…”两项，请核对。"
)
REJECT_PDF_NO_TEXT = "这份 PDF 没有文字层（是扫描件或图片），无法读取其中的文字和表格。请提交 Word（.docx）文件或带文字的 PDF。"
REJECT_PDF_BROKEN = (
    "PDF 文件已损坏或已加密，无法读取。请提交 Word（.docx）格式的年度报告或完好的 PDF。"
)
REJECT_PDF_TOO_MANY_PAGES = "PDF 超过 {limit} 页，不像是一份年度报告，未予读取。"
REJECT_NO_OFFICE = "这是旧版 Word（.doc）或 WPS（.wps）文件，本机未安装 LibreOffice，无法转换读取。请在 Word 或 WPS 中“另存为”.docx 后再提交。"
REJECT_CONVERSION_FAILED = "旧版 Word（.doc）或 WPS（.wps）文件转换失败（{detail}）。请在 Word 或 WPS 中“另存为”.docx 后再提交。"
REJECT_HTML_BROKEN = "网页文件无法解析，未予读取。"
