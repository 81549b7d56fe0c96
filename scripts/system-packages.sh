#!/usr/bin/env bash
# Debian packages the tests and the demo use, installed when one is missing (apt-get; root or sudo).
# One line per package: the command that shows it is installed, the package, who needs it.
# Stages add their lines here, never their own apt-get calls.
#
#   ./scripts/system-packages.sh          # install what is missing
#   ./scripts/system-packages.sh --check  # list what is missing, exit 1 if anything is
set -euo pipefail

# command-or-path            package           used by
PACKAGES=(
    "logrotate               logrotate         tests/collectors/test_rotation.py (the real logrotate)"
    "/usr/lib/postgresql/15/bin/initdb postgresql tests/classification/test_sources.py (a real PostgreSQL server)"
    "/usr/sbin/sshd          openssh-server    tests/collectors/protocols/test_ssh.py, crypto_eval SSH probes (a real sshd)"
    "/usr/sbin/vsftpd        vsftpd            tests/crypto_eval/probes (a real cleartext FTP server)"
    "/usr/sbin/nginx         nginx             tests/crypto_eval/probes/test_https_port.py (a real HTTPS port answering plain HTTP)"
    "openssl                 openssl           tests: SM2 and SHA-1 certificates, openssl s_server TLS endpoints"
    "tshark                  tshark            tests/collectors/protocols (peer dissector for DNS/HTTP), live capture"
    "dumpcap                 tshark            govsoc capture, tests/collectors/flows/test_live.py (dumpcap comes with tshark)"
    "ip                      iproute2          tests/collectors/flows/test_live.py (network namespace and veth pair)"
    "softflowd               softflowd         tests/collectors/netflow (a real NetFlow v5/v9/IPFIX exporter)"
    "nfcapd                  nfdump            tests/collectors/netflow (nfcapd/nfdump: the peer collector)"
    "/usr/share/doc/libpango-1.0-0 libpango-1.0-0 PDF reports (WeasyPrint lays text out with Pango)"
    "/usr/share/doc/libpangoft2-1.0-0 libpangoft2-1.0-0 PDF reports (WeasyPrint's font loading)"
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk reports: CJK characters beyond the packaged GB 2312 font"
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf fonts-hanazono reports: CJK Extension B-F characters (rare names, 生僻字) Noto CJK lacks"
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf fonts-symbola reports: emoji and symbols as plain glyphs"
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core reports: Arabic, Hebrew and other scripts; tests/reports (the no-CJK fontconfig)"
    "chromium                chromium          tests/reports/test_look.py (headless rendering of the HTML report)"
    "fc-list                 fontconfig        tests/reports/test_look.py (a fontconfig without CJK fonts; checks it lists none)"
    "pdftoppm                poppler-utils     tests/reports/test_look.py (pdftoppm, pdftotext, pdffonts on the PDF report)"
)

missing=()
for row in "${PACKAGES[@]}"; do
    read -r probe package _ <<<"$row"
    if [[ "$probe" == /* ]]; then
        [[ -e "$probe" ]] && continue
    elif command -v "$probe" >/dev/null 2>&1; then
        continue
    fi
    missing+=("$package")
done

if [[ ${#missing[@]} == 0 ]]; then exit 0; fi
if [[ "${1:-}" == --check ]]; then
    printf 'missing: %s\n' "${missing[@]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-packages.sh: no apt-get here; install these yourself: ${missing[*]}" >&2
    exit 1
fi
sudo_cmd=""; if [[ $(id -u) != 0 ]]; then sudo_cmd="sudo"; fi
echo "== installing Debian packages: ${missing[*]}" >&2
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
