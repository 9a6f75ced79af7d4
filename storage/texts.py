"""Every sentence the storage layer may show a user, in one place."""

from __future__ import annotations

ORG_NAME_EMPTY = "单位名称不能为空。"
ORG_NAME_TOO_LONG = "单位名称不能超过{limit}个字。"
ORG_NAME_FORBIDDEN = "单位名称不能含有“/”“\\”或控制字符，请填写单位的正式全称。"
ORG_DUPLICATE = "已有名为“{name}”的单位，请勿重复添加。"
ORG_NOT_FOUND = "未找到编号为{org_id}的单位。"
ORG_AMBIGUOUS = "简称“{name}”对应多个单位（{candidates}），请使用单位全称。"

PERSON_NOT_FOUND = "未找到该用户（编号{person_id}），请先登记后再操作。"

REPORT_NOT_FOUND = "未找到该年度报告（编号{report_id}）。"
REPORT_FORMAT_MISMATCH = "{name}{year}年度报告已按{existing}填报，不能改用{requested}。"

INVITE_UNKNOWN = "邀请码无效，请核对后重新输入，或联系本单位管理员重新发送邀请。"
INVITE_EXPIRED = "该邀请码已过期，请联系本单位管理员重新发送邀请。"
INVITE_USED = "该邀请码已被使用，每个邀请码只能使用一次。请联系本单位管理员重新发送邀请。"

STALE_WRITE = "“{label}”刚刚已由{who}改为“{value}”，您这次填写的内容未保存，请核对后重新填写。"
STALE_WRITE_CLEARED = "“{label}”刚刚已由{who}清空，您这次填写的内容未保存，请核对后重新填写。"
SOMEONE_ELSE = "其他同事"

SCHEMA_TOO_NEW = (
    "数据库由更新版本的程序创建（结构版本{found}，本程序仅支持到{known}），请先升级程序。"
)
NOT_A_DATABASE = "文件“{path}”不是本程序的数据库文件，无法打开（{reason}）。"
DATABASE_FAULT = "数据库暂时无法写入，刚才的操作未保存。"
DATABASE_BUSY = "数据库文件“{path}”正被其他程序长时间占用，暂时无法打开，请稍后再试。"
CANNOT_OPEN = "无法打开数据库文件“{path}”，请检查路径是否存在、是否有读写权限（{reason}）。"

ROLE_LABELS = {"clerk": "填报人员", "admin": "单位管理员", "supervisor": "上级审核人员"}

LEDGER_WRONG_YEAR = "台账是按{counted}年统计的，不能写入{year}年的报告。"
LEDGER_WRONG_FORMAT = "台账是按{counted}统计的，而该报告使用{format}，请重新统计。"
LEDGER_UNMAPPED = "台账中还有{count}种写法未确定对应哪一项，确定后才能写入报告。"
LEDGER_BAD_TARGET = "“{target}”不是表三中的一项，无法记住这一选择。"

REPORT_LOCKED = {
    "submitted": "报告已提交上级审核，审核期间不能修改；如需修改，请先撤回审核申请。",
    "approved": "报告已审核通过，不能再修改；如需修改，请联系上级审核人员重新打开。",
}
COMMENT_EMPTY = "意见内容不能为空，请写明需要修改的地方。"
COMMENT_TOO_LONG = "每条意见不能超过{limit}个字。"
