"""English for the channels and algorithms of a 密评 evaluation (reports.mipin_en): protocols,
cipher suites, key exchanges and their strength (crypto_eval/checks/channels.py, channel_view.py,
traffic.py, algorithms.py), and the names crypto_eval gives objects (the catalogue's kinds of data
and channels).
"""

from __future__ import annotations

from typing import Final

CHANNELS: Final[dict[str, str]] = {
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
}
