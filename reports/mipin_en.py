"""English for the free text of a saved 密评 evaluation (``--lang en``).

crypto_eval writes its findings' reasons, notes and level notes in Chinese, composed of fixed
phrases around values (an address, a cipher suite, a number of bits): "最弱：TLSv10（TLS 1.0
（已废弃的密码技术，高风险），63 位安全强度）". :func:`english` replaces each fixed phrase of
:data:`PHRASES` (every Chinese literal of crypto_eval's checks, algorithms and assessment that
reaches a finding; longest first, so a phrase inside a longer one never cuts it) and the
full-width punctuation, and leaves the values as they are. What an operator wrote in the
inventory (a product's name, the evidence of a declaration, a mitigation) is data and stays in
its language.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["EXACT", "PHRASES", "english"]

#: crypto_eval's fixed Chinese phrases -> English.
PHRASES: Final[dict[str, str]] = {
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
    # channels and algorithms (crypto_eval/checks/channels.py, channel_view.py, traffic.py, algorithms.py)
    "探测无法连接端点 ": "the probe could not connect to endpoint ",
    "：未取得任何证据，该对象缺少证据": ": no evidence was obtained, evidence missing for this object",
    "端点无法连接": "the endpoint could not be reached",
    "连接被拒绝：该端口无服务监听或被防火墙拒绝": "connection refused: nothing listens on the port, or a firewall "
                                                "rejects it",
    "主机名无法解析：": "the host name does not resolve: ",
    "连接超时：无应答，可能被防火墙丢弃或主机不在线": "connection timed out: no answer (a firewall may drop it, or the "
                                                    "host is down)",
    "探测无法连接该端点：该对象缺少证据":
        "the probe could not connect to the endpoint: evidence missing for this object",
    "探测未取得该项证据：该对象缺少证据": "the probe got no evidence for this: evidence missing for this object",
    "探测未得到完整的握手：该对象缺少证据": "the probe got no complete handshake: evidence missing for this object",
    "未观察到所用算法：A 缺少证据": "the algorithms used were not observed: A lacks evidence",
    "未识别出协议：需人工说明该信道的保护措施": "protocol not recognised: the channel's protection must be described "
                                               "by hand",
    "采用商用密码算法和技术（": "uses commercial cryptography algorithms and techniques (", "最弱：": "weakest: ",
    "不符合要求的算法和技术：": "non-compliant algorithms and techniques: ",
    " 位安全强度）": "-bit security strength)", "声明支持 ": "declared support for ",
    "，探测未发现": ", not found by the probe",
    "缺少证据": "evidence missing", "已加密：": "encrypted: ", "记录层MAC / AEAD 保护完整性":
        "record-layer MAC / AEAD protects integrity", "服务端以数字证书鉴别身份": "the server authenticates with a "
                                                                           "digital certificate",
    "服务端证书为自签名证书，需声明其信任根": "the server certificate is self-signed: its trust root must be declared",
    "未能读取服务端证书（证书无法解析，或TLS 1.3握手未完成）：身份鉴别缺少证据":
        "the server certificate could not be read (unparsable, or the TLS 1.3 handshake did not complete): "
        "authentication lacks evidence",
    "验证失败：服务端未证明持有证书私钥，可被冒充，身份鉴别无效":
        "verification failed: the server did not prove it holds the certificate's private key, so it can be "
        "impersonated; authentication is ineffective",
    "）：服务端未证明持有签名证书私钥，可被冒充，身份鉴别无效":
        "): the server did not prove it holds the signing certificate's private key, so it can be impersonated; "
        "authentication is ineffective",
    "）：服务端以未被认证用于签名的密钥证明身份，不符合": "): the server proves its identity with a key not certified "
                                                      "for signing, not compliant with",
    "，身份鉴别无效": ", authentication is ineffective", "），身份鉴别无效": "), authentication is ineffective",
    "启用了TLS压缩（CRIME风险）": "TLS compression enabled (CRIME risk)",
    "服务端要求客户端证书（双向身份鉴别）": "the server requires a client certificate (mutual authentication)",
    "TLCP服务端要求客户端证书（双向身份鉴别）": "the TLCP server requires a client certificate (mutual authentication)",
    "不支持安全重协商（RFC 5746）": "secure renegotiation not supported (RFC 5746)",
    "TLCP服务端未发送独立的加密证书": "the TLCP server sent no separate encryption certificate",
    "TLCP签名证书与加密证书使用同一密钥对，不符合双证书体系（加密密钥应由密钥管理中心产生）":
        "the TLCP signing and encryption certificates share one key pair, against the dual-certificate scheme "
        "(the encryption key should come from a key management centre)",
    "TLCP加密证书的密钥用法不含keyEncipherment/dataEncipherment（":
        "the TLCP encryption certificate's key usage lacks keyEncipherment/dataEncipherment (",
    "），不符合GB/T 38636双证书要求": "), against GB/T 38636's dual-certificate requirement",
    "TLCP服务端ServerKeyExchange签名验证失败（": "the TLCP server's ServerKeyExchange signature failed to verify (",
    "TLCP加密证书密钥用法": "TLCP encryption certificate key usage", "TLCP双证书同一密钥": "TLCP dual certificates "
                                                                                    "share a key",
    "TLCP签名证书": "TLCP signing certificate", "GB/T 38636双证书要求": "GB/T 38636 dual-certificate requirement",
    "（签名证书与加密证书的顺序可能颠倒）": " (the signing and encryption certificates may be in reverse order)",
    "的密钥用法不含digitalSignature（": "'s key usage lacks digitalSignature (", "无密钥用法扩展": "no key usage "
                                                                                            "extension",
    "TLS 1.3国密服务端证书": "TLS 1.3 SM server certificate", "TLS 1.3国密服务端的": "the TLS 1.3 SM server's ",
    "TLS 1.3服务端的": "the TLS 1.3 server's ", "TLS 1.3国密": "TLS 1.3 SM", "CertificateVerify签名":
        "CertificateVerify signature",
    "证书不在有效期内（有效期 ": "certificate outside its validity (valid ",
    "证书不在有效期内（": "certificate outside its validity (",
    "，有效期 ": ", valid ", " 至 ": " to ", "证书与域名 ": "certificate and host name ", " 不符（证书名称：":
        " do not match (certificate names: ",
    "匿名密钥交换：未鉴别服务端身份": "anonymous key exchange: the server is not authenticated",
    "接受NULL（不加密）套件": "accepts NULL (unencrypted) suites",
    "只收到SSH标识，未收到含算法列表的KEXINIT：算法未知，该对象缺少证据":
        "only the SSH banner arrived, no KEXINIT with the algorithm lists: algorithms unknown, evidence missing "
        "for this object",
    "标识为SSH-1.99：服务端使用SSH-2，同时兼容SSH-1客户端（RFC 4253 5.1）；应关闭SSH-1兼容（SSH-1为已废弃的密码技术）":
        "banner SSH-1.99: the server speaks SSH-2 and accepts SSH-1 clients (RFC 4253 5.1); SSH-1 compatibility "
        "should be turned off (SSH-1 is retired cryptography)",
    "SSH-2 加密通道（": "SSH-2 encrypted channel (", "SSH中的CBC模式（": "CBC mode in SSH (",
    "）存在明文恢复攻击（CVE-2008-5161）：算法合规，建议优先使用 sm4-ctr 或 sm4-gcm":
        ") is open to plaintext recovery (CVE-2008-5161): the algorithm is compliant; prefer sm4-ctr or sm4-gcm",
    "）：已废弃的密码协议（高风险）": "): a retired cryptographic protocol (high risk)",
    " 登录前必须启用TLS（AUTH TLS）；数据连接是否强制加密（PROT P）需人工核实":
        " requires TLS (AUTH TLS) before login; whether data connections must be encrypted (PROT P) needs a "
        "manual check",
    "明文HTTP端口仅重定向到 ": "the cleartext HTTP port only redirects to ",
    "SSH-2 服务端主机密钥对交换哈希的签名已验证（": "SSH-2: the server's host-key signature over the exchange "
                                                "hash verified (",
    "SSH无证书体系：主机密钥指纹需与声明的指纹人工核对":
        "SSH has no certificates: the host-key fingerprint must be checked against the declared one by hand",
    "SSH服务端主机密钥签名验证失败（": "the SSH server's host-key signature does not verify (",
    "）：服务端未证明持有主机密钥，可被冒充，身份鉴别无效":
        "): the server did not prove it holds the host key and can be impersonated; authentication is ineffective",
    "SSH: 未完成密钥交换，未验证服务端主机密钥对交换哈希的签名（":
        "SSH: no key exchange completed, the server's host-key signature over the exchange hash was not verified (",
    "）：身份鉴别缺少证据": "): authentication evidence missing",
    "）：无法确认加密通道的对端是该主机（SSH标识和算法列表可被任何人重放），身份鉴别缺少证据":
        "): nothing shows that the encrypted channel reaches this host (anyone can replay an SSH banner and "
        "algorithm lists); authentication evidence missing",
    "服务端DH公钥f超出范围": "the server's DH public value f is out of range",
    "未收到密钥交换应答：服务端未完成 ": "no key exchange reply: the server did not complete ",
    " 密钥交换应答格式错误（": " key exchange reply malformed (", " 密钥交换": " key exchange",
    "服务端仅提供本探测无法完成的密钥交换（": "the server offers only key exchanges this probe cannot complete (",
    "；本探测支持 ": "; the probe supports ", "）：无法取得并验证服务端主机密钥":
        "): the server's host key could not be obtained and verified",
    "重定向到 ": "redirects to ", "同一端口的国际TLS：": "the international TLS on the same port: ",
    "同一端口的国际TLS": "the international TLS on the same port",
    "（重定向响应自带内容：": " (the redirect's answer carries content of its own: ",
    "，按明文信道计）": "; counted as a cleartext channel)", "含口令输入框": "a password field", "含表单": "a form",
    "明文设置Cookie ": "sets cookie ", "（其值已以明文传输）": " (its value crossed the network in the clear)",
    "含结构化数据（JSON/XML）": "structured data (JSON/XML)", "含身份证号（校验位正确）":
        "a resident ID number (check character valid)", "含手机号码": "a mobile phone number",
    "正文超过300字符（另有页面内容）": "a body over 300 characters (a page of its own)", "正文": "a body",
    "（无登录表单或页面内容）：不承载数据，不计为明文信道；其HTTPS端点应另行列出并探测":
        " (no login form or page content): carries no data and is not counted as a cleartext channel; list and "
        "probe its HTTPS endpoint separately",
    "（探测出错：该对象缺少证据，需复测或人工核实）": " (the probe failed: evidence missing for this object; probe "
                                                  "again or check by hand)",
    ": 未发现TLS、TLCP、SSH或已知明文服务": ": no TLS, TLCP, SSH or known cleartext service found",
    "端点使用TLS，但拒绝了探测提供的全部密码套件：需人工提供其套件配置": "the endpoint speaks TLS but refused every "
        "cipher suite the probe offered: its suite configuration must be provided by hand",
    "服务端另有一张证书，仅发送给": "the server has another certificate, sent only to clients offering ",
    "的客户端（": " (", "所得证书：": ": the certificate served: ",
    "仅RSA套件": "RSA suites only", "仅ECDSA套件": "ECDSA suites only", "仅RSA-PSS签名算法": "RSA-PSS signatures only",
    "仅ECDSA签名算法": "ECDSA signatures only", "仅EdDSA签名算法": "EdDSA signatures only",
    " 位有限域群": "-bit finite-field group",
    "（短于2048位，高风险）": " (shorter than 2048 bits, high risk)",
    "；服务端应答：": "; the server answered: ",
    "，含登录口令": ", with login passwords", " 明文传输": " in cleartext", "流量中发现SSH-1（": "SSH-1 seen in the "
                                                                                          "traffic (",
    "流量中的SSH-2：": "SSH-2 in the traffic: ", "流量中发现 ": "seen in the traffic: ", "流量中的 ": "in the "
                                                                                           "traffic: ",
    ": 流量中观察到（": ": observed in the traffic (", " 条事件）": " events)", "个人信息（": "personal information (",
    "）经明文HTTP传输": ") sent over cleartext HTTP",
    "TLCP RSA套件使用SHA-1": "TLCP RSA suite with SHA-1",
    "TLCP RSA密钥交换：使用SM4/SM3但密钥交换为RSA而非SM2": "TLCP RSA key exchange: SM4/SM3, but RSA rather than SM2 "
                                                         "key exchange",
    "TLCP SM2/SM4/SM3 套件（GB/T 38636）": "TLCP SM2/SM4/SM3 suite (GB/T 38636)",
    "RFC 8998 SM4/SM3 套件（技术合规性待测评人员确认）": "RFC 8998 SM4/SM3 suite (technical compliance to be confirmed "
                                                       "by an evaluator)",
    "未知密码套件": "unknown cipher suite", "安全但非商用密码算法（AES/ChaCha20、RSA/ECDHE）":
        "secure but not commercial (SM) cryptography (AES/ChaCha20, RSA/ECDHE)",
    "安全但非商用密码算法": "secure but not commercial (SM) cryptography", "国密算法（SM2/SM3/SM4）": "SM algorithms "
                                                                                          "(SM2/SM3/SM4)",
    "MD5 证书签名": "MD5 certificate signature", "SHA-1 证书签名": "SHA-1 certificate signature",
    "SM2-with-SM3 签名": "SM2-with-SM3 signature", "非国密证书签名": "non-SM certificate signature",
    "短于2048位（高风险）": " shorter than 2048 bits (high risk)", "SM2 密钥": "SM2 key", "RSA 密钥": "RSA key",
    " 密钥": " key", "椭圆曲线密钥（非SM2）": "elliptic-curve key (not SM2)",
    "SSL 2.0（已废弃的密码技术，高风险）": "SSL 2.0 (retired cryptography, high risk)",
    "SSL 3.0（已废弃的密码技术，高风险）": "SSL 3.0 (retired cryptography, high risk)",
    "TLS 1.0（已废弃的密码技术，高风险）": "TLS 1.0 (retired cryptography, high risk)",
    "TLS 1.1（RFC 8996 已弃用；2021版指引未列入）": "TLS 1.1 (deprecated by RFC 8996; not in the 2021 guide)",
    "TLS 1.2（国际通用技术，非国密）": "TLS 1.2 (international technology, not SM)",
    "TLS 1.3（国际通用技术，非国密）": "TLS 1.3 (international technology, not SM)",
    "已废弃的密码技术": "retired cryptography", "高风险": "high risk", "未知协议版本 ": "unknown protocol version ",
    "1024位DH群与SHA-1": "1024-bit DH group with SHA-1", "3DES（64位分组，已弃用）": "3DES (64-bit block, deprecated)",
    "3DES（三密钥，112位）且为SSH中的CBC模式（明文恢复攻击，按80位计）":
        "3DES (three keys, 112 bits) in CBC mode in SSH (plaintext recovery, counted as 80 bits)",
    "3DES（三密钥，112位；64位分组，已弃用）": "3DES (three keys, 112 bits; 64-bit block, deprecated)",
    "64位MAC标签": "64-bit MAC tag", "64位分组密码": "64-bit block cipher", "DES（56位）": "DES (56 bits)",
    "DSA-1024 主机密钥": "DSA-1024 host key", "HMAC-SHA1 记录层MAC（SHA-1系列，已弃用）":
        "HMAC-SHA1 record MAC (SHA-1 family, deprecated)", "MD5 消息鉴别码": "MD5 message authentication code",
    "RC4 流密码": "RC4 stream cipher", "RC4（已被攻破的流密码）": "RC4 (a broken stream cipher)",
    "RSA-1024与SHA-1密钥交换": "RSA-1024 with SHA-1 key exchange", "RSA主机密钥使用SHA-1签名": "RSA host key signing "
                                                                                           "with SHA-1",
    "SHA-1 杂凑算法": "SHA-1 hash", "SHA-1 消息鉴别码（HMAC-SHA1）": "SHA-1 message authentication code (HMAC-SHA1)",
    "SSH中的CBC模式（明文恢复攻击）": "CBC mode in SSH (plaintext recovery)", "不加密（NULL）": "no encryption (NULL)",
    "使用SHA-1的密钥交换": "key exchange with SHA-1", "出口级弱密码": "export-grade weak cipher",
    "匿名密钥交换，不鉴别服务端": "anonymous key exchange, the server is not authenticated", "无保护": "no protection",
    "非商用密码分组算法": "non-SM block cipher",
    # object names crypto_eval gives (the catalogue's kinds of data and channels)
    "鉴别数据": "authentication data", "个人信息": "personal information", "重要数据": "important data",
    "跨网络边界的通信信道": "channels across the network boundary",
    # assess._CHANNELS' name cut at its bracket ("资产清单列出的远程管理通道 ... 未经探测")
    "远程管理通道": "remote management channels",
    # signatures and silent servers (issue 16 review 2)
    "（已验证服务端证书私钥签名）": " (the server's signature with its certificate key verified)",
    "未验证服务端以证书私钥所作的签名，证书本身可被任何人发送：身份鉴别缺少证据":
        "the server's signature with its certificate key was not verified, and anyone can send a certificate: "
        "authentication lacks evidence",
    "）：服务端未证明持有证书私钥，可被冒充，身份鉴别无效":
        "): the server did not prove it holds the certificate's private key, so it can be impersonated; "
        "authentication is ineffective",
    "可建立连接，但对TLS、TLCP握手请求和HTTP请求均无应答（静默）：未识别出协议":
        "connects, but answers neither TLS nor TLCP handshakes nor HTTP requests (silent): protocol not recognised",
    "端点可连接但对探测无应答": "the endpoint connects but does not answer the probes",
    "端点有应答但未能确认其密码保护": "the endpoint answered but its cryptographic protection could not be confirmed",
    "未收到服务端Finished": "no server Finished received", "ServerKeyExchange签名": "ServerKeyExchange signature",
    "验证失败（": "verification failed (", "（声明协议为": " (declared protocol ", "，探测发现": ", the probe found ",
    "：以探测结果为准）": ": the probe's result counts)", "服务端的": "the server's ", "无应答": "no answer",
    "明文": "cleartext",
    "; 探测到：": "; seen by the probe: ",
    "弥补关系无法适用，所指对象不是该系统的已评分测评对象：":
        "the compensation cannot apply, an object it names is not a scored object of this system: ",
    "经测评人员确认的弥补：": "compensation confirmed by the evaluator: ", "得分 ": "score ",
    "确认人：": "confirmed by: ",
    "探测到的密码算法并非所声明的获得认证的密码产品所实现：该对象的密钥不由该产品管理":
        "the algorithms the probe saw are not those of the declared certified product: this object's keys are not "
        "managed by it",
    # signature and probe notes (crypto_eval/probes: certificate_verify, tls, tlcp, ssh; issue 16 review 3, 14)
    "签名在证书密钥下验证通过": " signature verified under the certificate's key",
    "签名在证书密钥下验证失败": " signature does not verify under the certificate's key",
    "SM2签名在证书密钥下验证通过": "SM2 signature verified under the certificate's key",
    "SM2签名在证书密钥下验证失败": "SM2 signature does not verify under the certificate's key",
    "SM2签名格式错误：": "malformed SM2 signature: ", "不是DER编码的SM2签名": "not a DER SM2 signature",
    "SM2签名整数长度错误": "SM2 signature integer of a wrong length", "SM2签名整数超过256位":
        "SM2 signature integer over 256 bits", "SM2签名之后有多余字节": "bytes after the SM2 signature",
    "ServerKeyExchange格式错误：": "malformed ServerKeyExchange: ", "ServerKeyExchange格式错误":
        "malformed ServerKeyExchange", "ServerDHParams不完整": "truncated ServerDHParams",
    "ServerECDHParams未使用命名曲线": "ServerECDHParams without a named curve",
    "签名长度与消息不符": "signature length does not match the message",
    "：TLS 1.3要求曲线": ": TLS 1.3 requires curve ", "，证书密钥的曲线为": ", the certificate's key is on ",
    "签名方案与证书密钥不匹配：": "the signature scheme does not fit the certificate's key: ",
    "TLS 1.0/1.1旧式": "TLS 1.0/1.1 legacy", "非SM2密钥": "non-SM2 key", "SM2密钥": "SM2 key",
    "（RFC 8446 4.4.3禁止TLS 1.3 CertificateVerify使用PKCS#1 v1.5）":
        " (RFC 8446 4.4.3 forbids PKCS#1 v1.5 in TLS 1.3 CertificateVerify)",
    "TLS 1.0/1.1的签名不能由该类密钥生成：": "a TLS 1.0/1.1 signature cannot be made with this kind of key: ",
    "未知签名方案 ": "unknown signature scheme ", "（探测从未提供该方案）": " (never offered by the probe)",
    "无法读取证书密钥（": "the certificate's key cannot be read (", "）：未检查签名": "): signature not checked",
    "：本机OpenSSL不支持，未检查签名": ": not supported by this OpenSSL build, signature not checked",
    "：RSA密钥传输或静态密钥，无ServerKeyExchange签名；持有证书私钥只能由完成的握手证明，探测不完成握手":
        ": RSA key transport or static keys, no ServerKeyExchange signature; possession of the certificate's key "
        "is proved only by a completed handshake, which the probe does not do",
    "：RSA密钥传输/静态密钥握手已完成，服务器Finished在以证书公钥加密（协商）的预主密钥下验证通过，证明持有证书私钥":
        ": RSA key transport / static-key handshake completed, the server's Finished verified under the pre-master "
        "secret encrypted to (agreed with) the certificate's key: the server holds the certificate's private key",
    "：完成握手以证明持有证书私钥时失败（": ": completing the handshake that proves the certificate's key failed (",
    "：完成握手时服务器出示了另一张证书，握手不能证明所探测证书的私钥":
        ": the server showed another certificate in the completed handshake, which proves nothing of the probed one",
    "：未能完成握手以证明持有证书私钥": ": the handshake that proves the certificate's key could not be completed",
    "：本机OpenSSL不支持该版本或套件，无法完成握手以证明持有证书私钥":
        ": this OpenSSL build cannot speak the version or suite, so no handshake proves the certificate's key",
    "（经同源重定向至 ": " (after same-origin redirects to ",
    "声明 K ✓，但与资产清单的密码产品/密钥管理声明矛盾：":
        "declared K ✓, contradicted by the inventory's products / key management: ",
    "，但资产清单声明密钥明文存储（附录A 密钥管理严重隐患）：判为不符合":
        ", but the inventory declares keys stored in plaintext (Annex A: a serious key-management flaw): "
        "judged non-compliant",
    "，但资产清单未声明密钥管理（crypto.key_management）：密钥安全管理策略缺少证据":
        ", but the inventory declares no key management (crypto.key_management): the key management policy "
        "lacks evidence",
    "数据分类分级扫描（govsoc classify）在 ": "the data classification scan (govsoc classify) found in the sampled "
                                             "values of ",
    " 的抽样值中发现明文存储的重要数据 ": " important data stored in plaintext: ",
    "：其存储完整性保护（HMAC-SM3 / SM2签名）无法由扫描得知，需提供证据（GB/T 39786-2021 8.4 g）":
        ": whether its integrity at rest is protected (HMAC-SM3 / SM2 signatures) no scan shows; provide evidence "
        "(GB/T 39786-2021 8.4 g)",
    "：所声明的存储完整性保护须覆盖这些字段，需测评人员核实":
        ": the declared integrity protection at rest must cover these fields; the evaluator is to verify it",
    "端点的吊销检查时间预算耗尽，下载已取消": "the endpoint's revocation time budget ran out: download cancelled",
    "：无ServerKeyExchange（(EC)DHE参数未经签名）": ": no ServerKeyExchange (the (EC)DHE parameters are unsigned)",
    "Finished之前有Certificate而无CertificateVerify（RFC 8446 4.4.3）":
        "Certificate without CertificateVerify before Finished (RFC 8446 4.4.3)",
    "加密的握手消息在CertificateVerify之前结束：未检查签名":
        "the encrypted flight ended before CertificateVerify: signature not checked",
    "无签名证书，无法检查ServerKeyExchange签名": "no signing certificate to check ServerKeyExchange against",
    "：签名证书为": ": the signing certificate has a ", "密钥，RSA套件以RSA密钥签名，服务端不可能以该证书的密钥签名":
        " key: an RSA suite is signed with an RSA key, the server cannot have signed under its certificate",
    "密钥，SM2套件须以签名证书的SM2密钥签名ServerKeyExchange（GB/T 38636 6.4.5.4）":
        " key: the SM2 suites sign ServerKeyExchange with the signing certificate's SM2 key (GB/T 38636 6.4.5.4)",
    "：未检查RSA ServerKeyExchange签名（GB/T 38636未规定其杂凑算法）":
        ": RSA ServerKeyExchange signature not checked (hash not fixed by GB/T 38636)",
    "：未检查ServerKeyExchange签名（非SM2或RSA套件）": ": ServerKeyExchange signature not checked (not an SM2 or "
                                                      "RSA suite)",
    "未收到ServerKeyExchange": "no ServerKeyExchange",
    "无加密证书（ECC套件的签名须覆盖加密证书）": "no encryption certificate (an ECC suite's signature covers it)",
    "ServerKeyExchange签名在签名证书密钥下验证失败":
        "ServerKeyExchange signature does not verify under the signing certificate's key",
    "KEX_ECDH_REPLY格式错误（": "malformed KEX_ECDH_REPLY (", "数据不完整": "truncated",
    "无法读取主机密钥 ": "host key unreadable: ", "签名算法与主机密钥不匹配：": "the signature algorithm does not fit "
                                                                          "the host key: ",
    " 对交换哈希的签名验证失败": " signature over the exchange hash does not verify",
    " 主机密钥 SHA256:": " host key SHA256:",
    " 主机密钥 ": " host key ",
    "SSH-2 服务端主机密钥对交换哈希的签名已验证，主机密钥指纹 ":
        "SSH-2 server's host-key signature over the exchange hash verified, host-key fingerprint ",
    " 与声明的指纹一致": " matches a declared fingerprint",
    "SSH无证书体系：服务端主机密钥指纹为 ": "SSH has no certificates: the server's host-key fingerprint is ",
    "，需与该设备的主机密钥人工核对（可在端点 host_key_fingerprints 中声明）":
        "; compare it with the device's host key by hand (or declare it in the endpoint's host_key_fingerprints)",
    "SSH服务端主机密钥指纹 ": "SSH server host-key fingerprint ",
    " 不是声明的指纹（": " is not a declared fingerprint (",
    "）：对端不是声明的主机（或存在中间人），身份鉴别无效":
        "): the peer is not the declared host (or one is in the middle); authentication is ineffective",
    "未收到KEX_ECDH_REPLY：服务端未完成X25519密钥交换":
        "no KEX_ECDH_REPLY: the server did not complete an X25519 key exchange",
    " AUTH TLS之后）": " AUTH TLS done)", "（PostgreSQL SSLRequest之后）": " (after PostgreSQL SSLRequest)",
    "S（接受SSL/TLS）": "S (SSL/TLS accepted)", "N（不支持SSL/TLS，会话以明文进行）":
        "N (no SSL/TLS: the session goes on in the clear)",
    "，证书 ": ", certificate ", "探测程序出错": "probe error",
    "）：该对象缺少证据，需复测或人工核实": "): evidence missing for this object; probe again or check by hand",
    "对明文HTTP请求答复该端口须使用HTTPS，但TLS、TLCP握手均未成功：未识别出协议":
        "answers plain HTTP saying the port wants HTTPS, but TLS and TLCP handshakes failed: protocol not "
        "recognised",
    "流量中观察到的握手无法验证服务端的私钥签名和证书链（需主动探测）：身份鉴别缺少证据":
        "a handshake seen in traffic cannot show the server's key signature nor its certificate chain (an "
        "active probe is needed): authentication lacks evidence",
    "：匿名密钥交换，未鉴别服务端身份": ": anonymous key exchange, the server is not authenticated",
    # certificate path validation (crypto_eval/chain.py) and its use (checks/channel_view.py)
    "端点以地址 ": "the endpoint is asked by its address ",
    " 访问且未声明 server_name，证书不含该地址（iPAddress）：无法核对证书是否属于该端点，需声明端点的 server_name":
        " without a declared server_name and the certificate does not carry that address (iPAddress): whether the "
        "certificate is this endpoint's cannot be checked; declare the endpoint's server_name",
    " ← 信任根 ": " ← trust anchor ", "（签发者 ": " (issuer ", "签发者 ": "issuer ",
    " 不是CA证书（basicConstraints 无 cA，RFC 5280 6.1.4 k）":
        " is not a CA certificate (basicConstraints without cA, RFC 5280 6.1.4 k)",
    "自签名证书 ": "self-signed certificate ", " 不是声明的信任根": " is not a declared trust anchor",
    " 含名称或策略约束（": " has name or policy constraints (",
    "），本工具未处理，需人工核实": "), which this tool does not process: to be checked by hand",
    " 含无法识别的关键扩展 ": " has an unrecognised critical extension ",
    " 的签名算法 ": "'s signature algorithm ", " 无法验证": " cannot be verified",
    " 的签名不能用签发者 ": "'s signature does not verify under the key of its issuer ", " 的公钥验证": "",
    " 的密钥用法不含 keyCertSign（RFC 5280 6.1.4 n）": "'s key usage lacks keyCertSign (RFC 5280 6.1.4 n)",
    " 的证书既未由服务端发送，也不是声明的信任根（中间证书缺失或签发CA未声明）":
        "'s certificate was neither sent by the server nor is a declared trust anchor (intermediate certificate "
        "missing, or the issuing CA not declared)",
    " 的路径长度约束为 ": "'s path length constraint is ", "，其下有 ": ", with below it ",
    " 级中间证书（RFC 5280 6.1.4 m）": " intermediate certificate(s) (RFC 5280 6.1.4 m)",
    "证书声称由信任根 ": "the certificate claims to be issued by the trust anchor ",
    " 签发，但其签名不能用该信任根的公钥验证（伪造或被篡改的证书）":
        ", but its signature does not verify under that anchor's key (a forged or altered certificate)",
    ("未声明信任根：证书链无法验证到可信的CA，需在资产清单 trust_anchors（全局或系统 crypto.trust_anchors）中声明"
     "签发服务端证书的CA根证书（国密CA根）"):
        "no trust anchor declared: the certificate chain cannot be validated to a trusted CA; declare the root "
        "certificate of the CA that issued the server's certificate (an SM commercial-cryptography CA root) in "
        "the inventory's trust_anchors (global, or a system's crypto.trust_anchors)",
    "未收到可解析的服务端证书": "no readable server certificate received",
    "证书尚未生效（": "certificate not yet valid (", "证书已过期（": "certificate expired (",
    "证书链过长或成环": "certificate chain too long or circular",
    "证书用途不符：": "certificate not valid for this purpose: ",
    "TLCP加密证书主体 ": "the subject of the TLCP encryption certificate, ",
    " 与签名证书主体 ": ", differs from the signing certificate's, ",
    " 不同（GB/T 38636：服务端的签名证书与加密证书应属同一实体）：需核实加密证书属于该服务端":
        " (GB/T 38636: the server's signing and encryption certificates are one entity's): check that the "
        "encryption certificate is this server's",
    "服务端自签名证书 ": "the server's self-signed certificate ",
    " 被声明为其自身的信任根（直接信任/证书固定：RFC 5280 6.1 信任根按声明信任；该证书非CA签发，需测评人员确认此声明）":
        " is declared as its own trust anchor (direct trust, pinning: RFC 5280 6.1 trusts an anchor by "
        "declaration; no CA issued this certificate: the evaluator must confirm the declaration)",
    "（信任根 ": " (trust anchor ", " 已于 ": " expired on ",
    " 过期：信任根按声明信任，需核实该声明是否已过时）":
        ": an anchor is trusted by declaration; check whether the declaration is out of date)",
    " 的扩展密钥用法不含 serverAuth（RFC 5280 4.2.1.12）": "'s extended key usage lacks serverAuth (RFC 5280 4.2.1.12)",
    " 的密钥用法不含 digitalSignature、keyEncipherment 或 keyAgreement，不能用于TLS密钥交换（RFC 5280 4.2.1.3）":
        "'s key usage has none of digitalSignature, keyEncipherment or keyAgreement: it cannot serve a TLS key "
        "exchange (RFC 5280 4.2.1.3)",
    " 的密钥标识（AKI ": "'s key identifier (AKI ",
    "）与声明的同名信任根（SKI ": ") differs from that of the declared trust anchor of the same name (SKI ",
    "）不同：签发CA已更换密钥，需声明其新的根证书": "): the issuing CA has a new key; declare its new root certificate",
    "证书链验证到声明的信任根 ": "certificate chain validated to the declared trust anchor ",
    "：证书链未到达声明的信任根，需声明签发CA的根证书或由服务端发送完整证书链":
        ": the certificate chain does not reach a declared trust anchor; declare the issuing CA's root "
        "certificate, or have the server send its whole chain",
    "：证书链未到达声明的信任根，": ": the certificate chain does not reach a declared trust anchor; ",
    "需声明签发CA的根证书或由服务端发送完整证书链":
        "declare the issuing CA's root certificate, or have the server send its whole chain",
    "TLCP加密": "TLCP encryption ", "未收到证书": "no certificate received",
    "服务端以数字证书鉴别身份（已验证服务端证书私钥签名；":
        "the server authenticates with a digital certificate (signature by the certificate's private key "
        "verified; ",
    "证书链未验证到声明的信任根，无法确认证书持有者身份：身份鉴别缺少证据":
        "the certificate chain was not validated to a declared trust anchor, so the holder's identity is not "
        "established: authentication lacks evidence",
    "，证书链：": ", certificate chain: ", "，身份鉴别无效（证书链：": ", authentication is ineffective (certificate "
                                                             "chain: ",
    "；证书链：": "; certificate chain: ",
    "），身份鉴别无效（证书链：": "), authentication is ineffective (certificate chain: ",
    # FTPS data connections (crypto_eval/probes/ftp_data.py, RFC 4217 §9)
    "服务端的匿名登录无需TLS，匿名区以明文传输（匿名登录不含口令）；其他账户在AUTH TLS之前的登录被拒绝（":
        " server lets anonymous users in without TLS: the anonymous area travels in the clear (an anonymous login "
        "carries no password); other accounts' logins before AUTH TLS are refused (",
    "）：口令不以明文传输": "): no password crosses in the clear",
    "）；命名账户的数据连接是否强制加密需人工核实":
        "); whether named accounts' data connections are forced to be encrypted must be checked by hand",
    " 登录前必须启用TLS（AUTH TLS）；": " requires TLS (AUTH TLS) before login; ",
    "数据连接是否强制加密（拒绝PROT C下的传输）需登录后人工核实":
        "whether data connections must be encrypted (a transfer under PROT C refused) needs a check after login",
    "服务端在PROT C下完成了数据传输（匿名登录后LIST）：数据连接未强制加密，文件可以明文传输（":
        " server completed a transfer under PROT C (LIST after an anonymous login): data connections are not "
        "forced to be encrypted and files may cross in the clear (",
    "服务端拒绝PROT P（RFC 4217 §9）：数据连接无法加密，传输的文件以明文传输（":
        " server refuses PROT P (RFC 4217 §9): data connections cannot be encrypted, files cross in the clear (",
    "服务端接受PROT P（": "the server accepts PROT P (",
    "服务端接受PROT P，且拒绝PROT C下的数据传输：数据连接强制加密（":
        " server accepts PROT P and refuses transfers under PROT C: data connections are forced to be encrypted (",
    # certificate validity beyond the path (crypto_eval/chain.py: v1 roots, CA leaves; revocation.py)
    "信任根 ": "trust anchor ", "服务端证书 ": "server certificate ",
    " 为v1自签名证书（无 basicConstraints 扩展）：按声明作为信任根（RFC 5280 6.1.1 d），需测评人员确认其确为CA根证书":
        " is a self-signed version 1 certificate (no basicConstraints extension): a trust anchor by declaration "
        "(RFC 5280 6.1.1 d); the evaluator must confirm it is a CA root",
    (" 为v1证书（无扩展，无 basicConstraints），不能作为中间CA（RFC 5280 4.2.1.9：CA证书必须含 basicConstraints；"
     "仅声明的自签名v1根可作为信任根）"):
        " is a version 1 certificate (no extensions, no basicConstraints) and cannot be an intermediate CA "
        "(RFC 5280 4.2.1.9: CA certificates MUST carry basicConstraints; only a declared self-signed v1 root "
        "can be a trust anchor)",
    (" 是CA证书（basicConstraints cA=TRUE）：其私钥保存在服务器上，可签发同一信任根所信任的其他证书；RFC 5280 未禁止，"
     "但终端实体证书应为 cA=FALSE（CA/Browser Forum 基线要求，订户证书的 basicConstraints），建议更换为终端实体证书"):
        " is a CA certificate (basicConstraints cA=TRUE): its private key, kept on the server, can issue other "
        "certificates the same trust anchor makes trusted; RFC 5280 does not forbid it, but an end-entity "
        "certificate should have cA=FALSE (CA/Browser Forum Baseline Requirements, subscriber certificate "
        "basicConstraints); replace it with an end-entity certificate",
    "证书已被吊销：": "certificate revoked: ", "（序列号 ": " (serial number ", "，吊销时间 ": ", revoked on ",
    "，原因 ": ", reason ", " 未被吊销（CRL：": " is not revoked (CRL: ", "，发布于 ": ", issued ",
    "无法确认证书 ": "the revocation status of certificate ", " 的吊销状态（RFC 5280 6.1.3 a 3）：":
        " cannot be established (RFC 5280 6.1.3 a 3): ",
    "：需提供签发CA当前有效的CRL（资产清单 crls）或使分发点可访问":
        ": provide the issuing CA's current CRL (inventory crls) or make the distribution point reachable",
    "未核查证书 ": "not checked: the revocation status of certificate ",
    (" 的吊销状态：证书不含CRL分发点，资产清单 crls 也未声明其签发者的CRL；"
     "需在 crls 中声明签发CA的CRL，或由测评人员核实"):
        "; the certificate names no CRL distribution point and the inventory's crls declare no CRL of its "
        "issuer; declare the issuing CA's CRL in crls, or the evaluator checks it",
    "未读取分发点": "distribution points not read",
    "CRL分发点过多（": "too many CRL distribution points (", " 个），只读取前 ": "), only the first ",
    " 个，其余未读取（如 ": " are read, the others are not (e.g. ",
    "吊销状态未知（时间预算耗尽）：": "revocation status unknown (time budget exhausted): ",
    "；本端点的吊销检查限时 ": "; the revocation check of this endpoint may take ", " 秒，分发点 ": " s, distribution "
                                                                                           "point(s) ",
    " 未在时限内给出CRL（RFC 5280 6.1.3 a 3），不作未吊销判断；":
        " gave no CRL in time (RFC 5280 6.1.3 a 3), so it is not judged unrevoked; ",
    "需提供签发CA当前有效的CRL（资产清单 crls）或使分发点及时应答":
        "provide the issuing CA's current CRL (inventory crls) or make the distribution points answer in time",
    "时间预算内未取得": "not fetched within the time budget",
    "证书链未验证（路径构建预算耗尽）": "chain not validated (path-building budget exhausted)",
    "：不支持的分发点协议（只读取 http）":
        ": distribution point protocol not supported (only http is read)",
    "连接被拒绝": "connection refused", "主机名无法解析": "the host name does not resolve",
    " 秒内无应答": " s without an answer", "无法获取（": "cannot be fetched (",
    "应答内容不是CRL": "the answer is no CRL",
    " 不是证书签发者": " is not the certificate's issuer",
    "CRL的签发者密钥标识与证书签发者的不同（另一密钥签发）":
        "the CRL's authority key identifier is not the issuer's (signed by another key)",
    " 的密钥用法不含 cRLSign（RFC 5280 4.2.1.3）": "'s key usage lacks cRLSign (RFC 5280 4.2.1.3)",
    "CRL签名算法无法验证": "the CRL's signature algorithm cannot be verified",
    "CRL签名不能用签发者的公钥验证（伪造或被篡改的CRL）":
        "the CRL's signature does not verify under the issuer's key (a forged or altered CRL)",
    "CRL尚未生效（发布时间 ": "CRL not yet valid (issued ",
    "CRL已过期（下次更新时间 ": "CRL out of date (next update ",
    "CRL扩展无法解析": "the CRL's extensions do not parse",
    "增量CRL（delta CRL），不是完整CRL": "a delta CRL, not a complete CRL",
    "CRL含无法识别的关键扩展 ": "the CRL has an unrecognised critical extension ",
    "间接CRL（indirect CRL），不支持": "an indirect CRL (not supported)",
    "CRL仅含部分吊销原因": "the CRL covers some reasons only",
    "CRL的适用范围（issuingDistributionPoint）不含该类证书":
        "the CRL's scope (issuingDistributionPoint) excludes this kind of certificate",
    "CRL的分发点名称与证书的CRL分发点不符（分段CRL，不含该证书）":
        "the CRL's distribution point name is none of the certificate's (a partitioned CRL not covering it)",
    "（仅允许匿名登录，不含登录口令）": " (anonymous logins only, no password)",
    "管理端点仅允许匿名登录，未对登录用户进行身份鉴别，更未采用密码技术（":
        "the management endpoint takes anonymous logins only: its users are not authenticated at all, let "
        "alone with cryptography (",
    " 经由信道 ": " travels over channel ", " 传输，该信道缺少证据：": ", which has no evidence: ",
    "信道 ": "channel ", " 另经缺少证据的信道传输，不能据此判定该数据受到保护）":
        " also travels over a channel without evidence: this does not show the data protected)",
    "CRL未在限定时间内传完": "the CRL did not arrive in full within the time allowed",
    "重定向到非http地址（": "redirected to a URL that is not http (", "应答超过 ": "the answer is over ",
    "CRL条目无法解析": "the CRL's entries do not parse",
    "证书链验证到声明的信任根，但证书吊销状态无法确认（证书可能已被吊销）：身份鉴别缺少证据":
        "the certificate chain reaches a declared trust anchor, but a certificate's revocation status cannot be "
        "established (it may be revoked): authentication lacks evidence",
    # stapled OCSP answers (crypto_eval/ocsp.py)
    "OCSP应答不含该证书的状态": "the OCSP answer has no status for this certificate",
    "OCSP应答不在有效期内（发布于 ": "the OCSP answer is not current (produced ",
    "OCSP应答所指的签发者不是该证书的签发者": "the OCSP answer names another issuer than the certificate's",
    "OCSP应答无法解析（": "the OCSP answer does not parse (", "OCSP应答状态为 ": "the OCSP answer's status is ",
    "OCSP应答称该证书状态未知（unknown）": "the OCSP answer says the certificate's status is unknown",
    "OCSP应答签名验证失败（伪造或被篡改的应答）":
        "the OCSP answer's signature does not verify (a forged or altered answer)",
    "OCSP签名证书不是由证书签发者签发": "the OCSP signing certificate was not issued by the certificate's issuer",
    "OCSP签名证书缺少 id-kp-OCSPSigning 扩展密钥用法": "the OCSP signing certificate lacks the id-kp-OCSPSigning usage",
    "OCSP装订应答，发布于 ": "stapled OCSP answer, produced ", "OCSP装订应答：": "stapled OCSP answer: ",
    "OCSP装订应答": "stapled OCSP answer", "；OCSP装订应答，RFC 6960）": "; stapled OCSP answer, RFC 6960)",
    "应答者不是证书签发者，也未附带签发者授权的OCSP签名证书":
        "the responder is not the certificate's issuer and sent no OCSP signing certificate the issuer authorised",
    " 未被吊销（": " is not revoked (",
    "CRL签发者 ": "CRL issuer ",
    # issue 16 fifth review (F16k): channels not examined, path-search bounds, impostor anchors, IP and
    # key-usage identity, probe failures and FTP data connections
    " 中列出并探测": " and probe them",
    " 未经探测，流量中也未观察到：人工声明不能代替技术证据，该测评单元缺少证据，需探测这些端点（不带 --no-probe 运行）":
        " were not probed nor seen in traffic: a declaration is no technical evidence, the item has no evidence; "
        "probe these endpoints (run without --no-probe)",
    "endpoints（boundary 为 true）": "endpoints (boundary true)",
    "人工声明（未计分，缺少技术证据）：": "declaration (not scored, no technical evidence): ",
    "资产清单列出的": "the inventory's ", "资产清单未列出该系统的": "the inventory lists none of the system's ",
    "跨网络边界的通信信道（web门户、API、VPN网关、数据库等端点）":
        "channels crossing the network boundary (web portals, APIs, VPN gateways, databases)",
    "远程管理通道（kind: admin 的端点，或SSH、Telnet端点）":
        "remote-management channels (endpoints of kind admin, or SSH and Telnet endpoints)",
    "，流量中也未观察到：人工声明不能代替技术证据，该测评单元缺少证据，需在资产清单 ":
        ", and none was seen in traffic: a declaration is no technical evidence, the item has no evidence; list "
        "them in the inventory's ",
    " 不符（": " (", "证书中的地址 iPAddress：": "the certificate's iPAddress: ",
    "证书不含 iPAddress": "the certificate holds no iPAddress",
    " 与声明的信任根 ": " bears the name of the declared trust anchor ", " 同名但密钥不同": " under another key",
    " 声称由声明的信任根 ": " claims to be issued by the declared trust anchor ",
    " 签发，但其签名不能用该信任根的公钥验证": ", but its signature does not verify under that anchor's key",
    " 步上限，如服务端发送大量同名CA证书），本工具未继续搜索":
        " steps, e.g. a server sending many CA certificates of one name): the search stopped",
    " 级（路径过长），本工具未继续构建": " certificates (too long): not built further",
    "候选证书路径过多（路径搜索超过 ": "too many candidate paths (the path search went over ",
    "服务端发送的自签名证书 ": "the self-signed certificate the server sent ", "自签名证书": "self-signed certificate",
    "自颁发证书（主体与签发者同名，但签名不能用其自身公钥验证）":
        "self-issued certificate (subject and issuer alike, but its signature does not verify under its own key)",
    "证书与地址 ": "the certificate does not match address ", "证书路径超过 ": "the certificate path is over ",
    "）不同，但签名可用该信任根的公钥验证：需向CA核实":
        ") differ, yet the signature verifies under that anchor's key: check with the CA",
    "：冒充声明信任根的CA（伪造的证书链，高风险）；若该CA确已更换根密钥，须由已声明的信任根签发新密钥的交叉证书并由服务端发送，"
    "或经向CA核实后在 trust_anchors 中声明新根":
        ": a CA impersonating the declared trust anchor (a forged chain, high risk); if the CA did re-key its "
        "root, the declared anchor must certify the new key (a cross-certificate the server sends), or declare "
        "the new root in trust_anchors once the CA confirms it",
    " 的密钥用法不含 digitalSignature（": "'s key usage lacks digitalSignature (",
    "TLCP加密证书：": "TLCP encryption certificate: ", "TLCP加密证书": "TLCP encryption certificate",
    "主机不可达": "host unreachable", "地址无效": "invalid address", "域名系统中无此名称": "no such name in the DNS",
    "域名解析暂时失败（DNS服务器无应答）": "name resolution failed for now (the DNS server did not answer)",
    "探测主机的文件描述符耗尽（EMFILE），详情见日志":
        "the probing host ran out of file descriptors (EMFILE), see the log",
    "探测程序内部错误，详情见日志": "internal error of the probe, see the log",
    "服务端应答无法解析，详情见日志": "the server's answer could not be parsed, see the log",
    "本机无法使用该地址（如IPv6链路本地地址缺少网卡）":
        "this host cannot use that address (e.g. an IPv6 link-local address without its interface)",
    "本机策略禁止连接（防火墙）": "a local policy forbids the connection (firewall)",
    "本机策略禁止连接": "a local policy forbids the connection",
    "网络不可达（本机无到该地址的路由）": "network unreachable (no route to that address)",
    "评估程序处理该端点的证据时出错（详情见日志）": "the evaluation failed on this endpoint's evidence (see the log)",
    "该名称无对应地址": "the name has no address",
    "连接失败（操作系统错误，原文保存在结果的 connect_error 字段）":
        "connection failed (an operating-system error, kept as it came in the result's connect_error field)",
    "连接被中止": "connection aborted", "连接被对方重置": "connection reset by the peer",
    "），但协商的密钥交换由该密钥签名握手（": "), yet the negotiated key exchange has that key sign the handshake (",
    "：该对象缺少证据，需复测或人工核实": ": the object has no evidence; probe again or check by hand",
    "；RFC 8446 4.4.2.2、RFC 5246 7.4.3）：服务端以未被认证用于签名的密钥证明身份，身份鉴别无效":
        "; RFC 8446 4.4.2.2, RFC 5246 7.4.3): the server proves itself with a key not certified for signing, "
        "authentication is not effective",
    "数据连接是否强制加密（拒绝PROT C下的传输）未能验证：数据连接缺少证据，需登录后人工核实":
        "whether data connections must be encrypted (PROT C transfers refused) was not shown: the data "
        "connections have no evidence; check after logging in",
    ("），但命名账户的数据连接是否强制加密（拒绝PROT C下的传输）未能验证（探测不使用账户登录）：数据连接缺少证据，"
     "需登录后人工核实"):
        "), but whether named users' data connections must be encrypted (PROT C transfers refused) was not "
        "shown (the probe logs in with no account): the data connections have no evidence; check after logging in",
    "需测评人员人工核实服务端发送的证书链": "an evaluator must check the chain the server sent by hand",
    "证书链验证超过 ": "validating the certificate chain took over ",
    " 秒时限，本工具未继续构建和验证其余路径": " seconds: the remaining paths were not built or checked",
    " | 支持AUTH TLS但不强制（明文登录：": " | AUTH TLS offered, not required (login in the clear: ",
    " | 支持AUTH TLS但不强制": " | AUTH TLS offered, not required", " | 须先AUTH TLS：": " | AUTH TLS required first: ",
    # review R16 (issue 16): SSH-1.99, bare and 不适用 declarations, staple vs CRL, stored plaintext
    "标识为SSH-1.99（": "announces SSH-1.99 (",
    "）：仍兼容SSH-1客户端（RFC 4253 5.1），SSH-1为已废弃的密码技术（高风险）；应关闭SSH-1兼容":
        "): still accepts SSH-1 clients (RFC 4253 5.1); SSH-1 is retired cryptography (high risk); "
        "turn SSH-1 compatibility off",
    "声明{said}但未提供证据（evidence 为空）：人工声明须附证据（文件、记录、测评材料），按未提供证据计":
        "declared {said} without evidence (evidence is empty): a person's declaration needs evidence "
        "(documents, records, evaluation material); counted as missing evidence",
    "）声明不适用（": ") declared not applicable (",
    "）：仅当该条款的对象不存在时成立，需测评人员现场确认；存在该对象时按未提供证据计":
        "): holds only when the item's object does not exist; the evaluator must confirm on site; "
        "where the object exists it counts as missing evidence",
    " 未在时限内读取": " not read within the time limit",
    "），以吊销为准": "); the revocation prevails",
    "；分发点 ": "; distribution points ",
    "；服务器装订的OCSP应答称未吊销（": "; the OCSP answer the server stapled says not revoked (",
    " 个字段": " fields",
    " 的抽样值中识别出敏感字段 ": " the sampled values show the sensitive fields ",
    " 等 ": " and more, ",
    "重要数据以明文存储：数据分类分级扫描（govsoc classify）在 ":
        "important data stored in plaintext: the data classification scan (govsoc classify) of ",
    "，存储值未加密（GB/T 39786-2021 8.4 e；高风险判定指引：重要数据明文存储）":
        ", stored unencrypted (GB/T 39786-2021 8.4 e; high-risk guide: important data stored in plaintext)",
    # reviews R16c/R16d/R17, issue 16 (added with review R18f F2): whole sentences, never fragments
    "应用登录以明文HTTP进行，口令以明文传输，未采用密码技术对应用用户进行身份鉴别（":
        "application login over cleartext HTTP; passwords sent in cleartext; application users not "
        "authenticated with cryptography (",
    "HTTPS页面 ": "HTTPS page ", " 的登录表单提交至明文地址 ": "'s login form submits to the cleartext address ",
    "：口令以明文传输，未采用密码技术对应用用户进行身份鉴别":
        ": passwords sent in cleartext; application users not authenticated with cryptography",
    "GSS-API密钥交换使用SHA-1": "GSS-API key exchange uses SHA-1",
    "GSS-API密钥交换：1024位DH群与SHA-1": "GSS-API key exchange: a 1024-bit DH group and SHA-1",
    "X.509 DSA主机密钥（RFC 6187：DSA-1024与SHA-1）": "X.509 DSA host key (RFC 6187: DSA-1024 and SHA-1)",
    "已废弃的密码协议": "retired cryptographic protocol",
    ("该对象的高风险来自已废弃或不安全的密码算法/技术（高风险判定指引 通用要求：密码算法、密码技术，无缓解措施），"
     "声明的缓解措施不予采纳"):
        "this object's high risk comes from retired or insecure cryptographic algorithms or techniques (high-risk "
        "guide, general requirements: cryptographic algorithms and techniques, no mitigation); the declared "
        "mitigation is not accepted",
    "主机密钥：": "host key: ", " 主机密钥（": " host key (", " 位）": "-bit)",
    " 主机密钥指纹 ": " host key fingerprint ",
    " 均不是声明的指纹（": " none of them a declared fingerprint (",
    "SSH-2 服务端主机密钥对交换哈希的签名已验证，":
        "SSH-2: the server host key's signature of the exchange hash verifies, ",
    "（服务端另有未声明的主机密钥：": " (the server has further host keys not declared: ",
    "，建议一并声明或删除）": "; declare or remove them too)",
    "。可在清单该端点的 login_accounts 中列出登录账户名后复测（探测只发送USER，不发送口令）":
        ". List the login account names in this endpoint's login_accounts in the inventory and probe again "
        "(the probe sends USER only, never a password)",
    "仅观察到探测账户（govsoc-probe）被要求先AUTH TLS，服务端可按账户设置TLS策略：实际登录账户是否同样被强制未能验证":
        "only the probe account (govsoc-probe) was seen required to AUTH TLS first, and a server may set its TLS "
        "policy per account: whether the real login accounts are required too was not shown",
    "探测账户在AUTH TLS之前被拒绝（": "the probe account was refused before AUTH TLS (",
    "探测账户在AUTH TLS之前被拒绝，但应答未说明须先启用TLS（":
        "the probe account was refused before AUTH TLS, but the answer did not say TLS is required first (",
    "），匿名登录以明文进行：其他账户能否在AUTH TLS之前以明文发送口令未能判定":
        "), anonymous login in cleartext: whether other accounts can send a password in cleartext before AUTH "
        "TLS could not be determined",
    "）：其他账户能否在AUTH TLS之前以明文发送口令未能判定":
        "): whether other accounts can send a password in cleartext before AUTH TLS could not be determined",
    "AUTH TLS之前的登录被拒绝": "login before AUTH TLS refused", "须先AUTH TLS": "AUTH TLS required first",
    "声明不适用，但资产清单声明了重要数据（crypto.important_data：":
        "declared not applicable, but the asset inventory declares important data (crypto.important_data: ",
    "）：该条款的对象存在，不适用不成立，按未提供证据计":
        "): the item's object exists, so not applicable does not hold; counted as missing evidence",
    "不经SSLRequest的明文启动消息的应答未说明是否要求加密":
        "the answer to a cleartext startup message without SSLRequest did not say whether encryption is required",
    "不经SSLRequest的明文启动消息被拒绝，仅对探测用户观察到（pg_hba.conf 按用户和数据库匹配）":
        "a cleartext startup message without SSLRequest was refused, seen for the probe user only (pg_hba.conf "
        "matches by user and database)",
    ("服务端虽支持SSL/TLS，但接受不经SSLRequest的明文启动消息（pg_hba.conf 的 host 行允许不加密的连接）："
     "客户端可以明文登录和查询，数据以明文传输（"):
        "the server supports SSL/TLS but accepts a cleartext startup message without SSLRequest (a pg_hba.conf "
        "host line allows unencrypted connections): clients can log in and query in cleartext, data is sent in "
        "cleartext (",
    "用户 ": "user ",
    ("）：实际账户能否以明文连接未能判定。可在清单该端点的 login_accounts 中列出数据库用户名后复测"
     "（探测只发送启动消息，不发送口令）"):
        "): whether the real accounts can connect in cleartext could not be determined. List the database user "
        "names in this endpoint's login_accounts in the inventory and probe again (the probe sends the startup "
        "message only, never a password)",
    "无法识别的应答 ": "unrecognised answer ", "）：接受不加密的连接": "): accepts unencrypted connections",
    " 的抽样值中识别出明文敏感字段 ": " the sampled values show cleartext sensitive fields ",
    "时间未知": "time unknown",
    "过期的扫描结果：数据分类分级扫描（govsoc classify，":
        "stale scan result: the data classification scan (govsoc classify, ",
    "）曾在 ": ") found, at ",
    "，但早于本次测评的时间窗口（crypto-eval --days），不据此判定；需重新扫描":
        ", but before this evaluation's time window (crypto-eval --days): not judged on it; scan again",
}
#: Whole values (an object's name, a judgement, a risk) too short to replace inside other text.
EXACT: Final[dict[str, str]] = {
    "网络": "network", "声明": "declaration", "符合": "compliant", "基本符合": "basically compliant",
    "不符合": "non-compliant", "部分符合": "partly compliant", "不适用": "not applicable", "高": "high",
    "中": "medium", "低": "low",
}
_PUNCTUATION: Final = {"：": ": ", "，": ", ", "；": "; ", "（": " (", "）": ")", "。": ". ", "、": ", ", "“": '"',
                       "”": '"', "《": '"', "》": '"'}
_PATTERN: Final = re.compile("|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)))
_SPACES: Final = re.compile(r" {2,}|(?<=\() | (?=\))")


def english(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` with crypto_eval's phrases and full-width punctuation in English; the strings of
    ``keep`` (data the operator wrote: names, declared evidence) are left exactly as they are."""
    if not text or text.isascii():
        return text
    if text in EXACT:
        return EXACT[text]
    kept = [k for k in sorted(keep, key=len, reverse=True) if k and k in text]
    if kept:
        parts = re.split("(" + "|".join(re.escape(k) for k in kept) + ")", text)
        return "".join(part if i % 2 else english(part) for i, part in enumerate(parts))
    out = _PATTERN.sub(lambda m: PHRASES[m.group(0)], text)
    out = "".join(_PUNCTUATION.get(c, c) for c in out)
    return _SPACES.sub(lambda m: " " if m.group(0).startswith("  ") else "", out).strip()
