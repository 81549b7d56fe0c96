"""English for the whole sentences of a 密评 evaluation added by the issue 16 reviews
(reports.mipin_en): channels not examined, path-search bounds, impostor anchors, IP and
key-usage identity, probe failures, SSH-1.99, bare and 不适用 declarations, staple against CRL,
stored plaintext and stale scan results; whole sentences, never fragments.
"""

from __future__ import annotations

from typing import Final

REVIEWS: Final[dict[str, str]] = {
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
