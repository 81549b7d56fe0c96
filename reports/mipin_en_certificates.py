"""English for signatures, probes and certificates in a 密评 evaluation (reports.mipin_en):
signatures and silent servers, the probes' notes (crypto_eval/probes: certificate_verify, tls,
tlcp, ssh), certificate path validation and its use (crypto_eval/chain.py, checks/channel_view.py),
FTPS data connections (crypto_eval/probes/ftp_data.py, RFC 4217 9.), certificate validity beyond
the path (revocation.py) and stapled OCSP answers (crypto_eval/ocsp.py).
"""

from __future__ import annotations

from typing import Final

CERTIFICATES: Final[dict[str, str]] = {
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
}
