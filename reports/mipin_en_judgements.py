"""English for the judgements of a 密评 evaluation (reports.mipin_en): declarations and
the evidence asked for (crypto_eval/checks/declared.py, key_factor.py), product samples against
their declared output (crypto_eval/kat.py), observations that outrank the inventory
(crypto_eval/checks/channels.py) and the assessment's levels and scores (crypto_eval/assess.py).
"""

from __future__ import annotations

from typing import Final

JUDGEMENTS: Final[dict[str, str]] = {
    # declarations (crypto_eval/checks/declared.py, key_factor.py)
    "声明": "declared", "未声明": "not declared", "声明符合": "declared compliant",
    "声明不符合": "declared non-compliant", "声明 D ✗": "declared D ✗",
    "未声明：需人工提供该测评单元的证据": "not declared: the evaluator must supply evidence for this item",
    "声明不适用但未说明理由（应在密码应用方案中论证）":
        "declared not applicable without a reason (to be argued in the cryptography application plan)",
    "声明既无判定也无D/A/K": "the declaration has neither a judgement nor D/A/K",
    "声明的测评单元不在目录中（拼写错误？）": "the declared item is not in the catalogue (a typo?)",
    "未声明的密钥生命周期环节：": "key life-cycle stages not declared: ",
    "未声明商用密码产品认证证书编号": "no commercial cryptography product certificate number declared",
    "未声明密码产品的GB/T 37092安全等级": "no GB/T 37092 security level declared for the cryptographic product",
    "未声明密码产品": "no cryptographic product declared", "未声明密钥管理": "no key management declared",
    "该三级系统未声明密码应用情况": "this level-3 system declared nothing about its use of cryptography",
    "密钥明文存储（附录A 密钥管理严重隐患）": "keys stored in plaintext (Annex A: a serious key-management flaw)",
    "密码产品无商用密码产品认证证书：": "cryptographic product without a commercial cryptography certificate: ",
    "密码模块低于GB/T 37092二级": "cryptographic module below GB/T 37092 level 2",
    "获得认证的密码产品，安全等级二级及以上": "certified cryptographic product, security level 2 or above",
    "该对象未声明获得认证的密码产品，无法证明密钥管理安全":
        "no certified cryptographic product declared for this object: key management cannot be shown secure",
    "：符合高风险判定指引的情形（": ": a case of the high-risk guide (", "），判为高风险": "), rated high risk",
    "“应”条款（": "'shall' clause (", "）不得声明为不适用": ") cannot be declared not applicable",
    "（所述理由：": " (reason given: ", "：按未提供证据计": ": counted as no evidence supplied",
    "不适用：": "not applicable: ", "样例 ": "sample ", "密钥管理": "key management",
    # product samples checked against their declared output (crypto_eval/kat.py verify_sample)
    "SM2 签名验证通过": "SM2 signature verifies", "SM2 签名验证失败": "SM2 signature does not verify",
    "未知样例算法": "unknown sample algorithm", "样例格式错误": "malformed sample", " 输出一致": " output matches",
    " 计算结果 ": " computes ", "声明为 ": "declared as ",
    # observations that outrank the inventory (crypto_eval/checks/channels.py)
    "设备登录以明文口令进行，未采用密码技术进行身份鉴别（":
        "device login by a password sent in the clear, no cryptographic identity authentication (",
    "明文HTTP端口重定向到 ": "plain-HTTP port redirects to ",
    "，但该HTTPS端点不在本系统的端点清单中、未被探测：该信道缺少证据，需列出并探测":
        ", but that HTTPS endpoint is not among this system's endpoints and was not probed: the channel "
        "lacks evidence; list and probe it",
    "密码产品": "cryptographic product",
    "密码应用": "cryptography application", "生成": "generation", "存储": "storage", "使用": "use",
    "分发": "distribution", "导入导出": "import/export", "备份恢复": "backup/recovery", "归档": "archiving",
    "销毁": "destruction",
    # assessment (crypto_eval/assess.py)
    "人工声明：": "manual declaration: ", "声明与探测结果矛盾：": "the declaration contradicts the probe: ",
    "端点有应答但未能确认其密码保护（": "the endpoint answered but its cryptographic protection could not be "
                                      "confirmed (",
    "）：人工声明未获证实，不作为证据计分，需测评人员现场核实":
        "): the manual declaration is unconfirmed and not scored as evidence; an evaluator must check on site",
    "）：按人工声明评分，需测评人员现场核实": "): scored on the manual declaration; an evaluator must check on site",
    "探测未取得证据（": "the probe got no evidence (", "探测超时": "probe timed out", "无法连接": "cannot connect",
    "声明的缓解措施未涵盖该对象（仅适用于其所列对象），该对象的高风险不予降低":
        "the declared mitigation does not cover this object (it covers the objects it lists only); this object's "
        "high risk is not lowered",
    "该测评单元的高风险不可通过缓解措施降低（高风险判定指引：无缓解措施），声明的缓解措施不予采纳":
        "this item's high risk cannot be lowered by mitigation (high-risk guide: no mitigation); the declared "
        "mitigation is not accepted",
    "该系统定级为等保": "this system's MLPS level is ", "级，本次按GB/T 39786-2021第": "; scored against GB/T "
                                                                                  "39786-2021 level ",
    "级要求（第": " requirements (chapter ", "章）评分；": ") this time; ", "其适用要求为GB/T 39786-2021第":
        "its applicable requirements are GB/T 39786-2021 level ", "级（第": " (chapter ", "章）": ")",
    "。此得分和结论不是该系统的密评结论，仅供参考":
        ". This score and verdict are not the system's evaluation result, for reference only",
    "GB/T 39786-2021只规定第一至第四级要求，第五级系统的要求须另行确定":
        "GB/T 39786-2021 sets requirements for levels 1 to 4 only; a level-5 system's must be set separately",
}
