#!/usr/bin/env bash
# Benchmark: `preflight saml` on a 5 MiB signed federation metadata file (an EntitiesDescriptor
# with thousands of EntityDescriptors, each with a signing certificate), signature verified
# against a pinned certificate. Prints wall time and peak RSS (target: ≤ 32 MiB), and the same
# figures for `xmllint --noout` (parse only) and `xmlsec1 --verify` (parse + verify, the peer
# doing the same job) on the same file in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p preflight-cli >&2
bin="${CARGO_TARGET_DIR:-$PWD/target}/release/preflight"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

openssl req -x509 -newkey rsa:2048 -nodes -keyout signer.key -out signer.pem -days 365 -subj "/CN=Federation signer" 2>/dev/null
for i in 1 2 3 4 5 6 7 8; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "idp$i.key" -out "idp$i.pem" -days 365 -subj "/CN=IdP $i" 2>/dev/null
done

python3 - <<'PYEOF'
# EntitiesDescriptor of ~5 MiB: the first entity is an IdP, the rest alternate IdPs and SPs.
certs = ["".join(l for l in open(f"idp{i}.pem").read().splitlines() if not l.startswith("-----")) for i in range(1, 9)]
sig = ('<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
       '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_federation"><ds:Transforms>'
       '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
       '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>'
       '<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>')
parts = ['<?xml version="1.0"?>\n<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
         'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ID="_federation" Name="bench-federation">', sig]
size, i = 0, 0
while size < 5 * 1024 * 1024 - 4096:
    role = "IDPSSODescriptor" if i % 2 == 0 else "SPSSODescriptor"
    svc = ('<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp%d.example.test/sso"/>' % i
           if role == "IDPSSODescriptor" else
           '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://sp%d.example.test/acs" index="0"/>' % i)
    e = ('\n<md:EntityDescriptor entityID="https://entity%d.example.test/saml"><md:%s protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
         '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
         '<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>%s</md:%s></md:EntityDescriptor>'
         % (i, role, certs[i % 8], svc, role))
    parts.append(e)
    size += len(e)
    i += 1
parts.append("\n</md:EntitiesDescriptor>\n")
open("template.xml", "w").write("".join(parts))
print(f"{i} EntityDescriptors", flush=True)
PYEOF
xmlsec1 --sign --privkey-pem signer.key,signer.pem --id-attr:ID urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor \
  --output federation.xml template.xml
bytes=$(stat -c %s federation.xml)
printf 'metadata file: %s bytes (%.2f MiB)\n' "$bytes" "$(python3 -c "print($bytes/1048576)")"

measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o time.txt "$@" >out.txt 2>err.txt || true
  read -r secs kib < time.txt
  printf '%-34s %6.2f s wall, peak RSS %6.1f MiB\n' "$label" "$secs" "$(python3 -c "print($kib/1024)")"
  echo "$secs $kib" > "result-$label"
}

measure preflight "$bin" saml --metadata federation.xml --metadata-cert signer.pem --format json
python3 - <<'PYEOF'
import json
r = json.load(open("out.txt"))
for c in r["checks"]:
    if c["id"] in ("saml/metadata-valid", "saml/metadata-signature-valid"):
        print(f'  {c["id"]}: {c["status"]} — {(c.get("note") or c.get("finding"))}'[:220])
PYEOF
measure xmllint xmllint --noout federation.xml
measure xmlsec1 xmlsec1 --verify --pubkey-cert-pem signer.pem \
  --id-attr:ID urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor federation.xml
grep -q "^OK" err.txt && echo "  xmlsec1: signature OK" || { echo "  xmlsec1 did not verify:"; cat err.txt; }

read -r p_s p_k < result-preflight
read -r l_s l_k < result-xmllint
read -r x_s x_k < result-xmlsec1
python3 - "$p_s" "$p_k" "$l_s" "$l_k" "$x_s" "$x_k" <<'PYEOF'
import sys
p_s, p_k, l_s, l_k, x_s, x_k = map(float, sys.argv[1:])
print(f"preflight / xmllint --noout: time {p_s / max(l_s, 0.01):.2f}x, peak RSS {p_k / l_k:.2f}x")
print(f"preflight / xmlsec1 --verify: time {p_s / max(x_s, 0.01):.2f}x, peak RSS {p_k / x_k:.2f}x")
print(f"target peak RSS <= 32 MiB: {'met' if p_k / 1024 <= 32 else 'NOT met'} ({p_k / 1024:.1f} MiB)")
PYEOF
