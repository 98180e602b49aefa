#!/usr/bin/env bash
# Creates a development CA and a server certificate for localhost, 127.0.0.1 and ::1 in
# dev-certs/ (ca.pem, ca.key, server.pem, server.key), valid 825 days. Files that already exist
# are kept, so running it again is a no-op. Usage: scripts/dev-cert.sh [DIR] (default dev-certs,
# relative to the current directory; config/runnel.yaml expects it at the repository root).
# These certificates are for development only: the CA key sits next to the certificates.
set -euo pipefail

dir="${1:-dev-certs}"
days=825
mkdir -p "$dir"
cd "$dir"

if [[ ! -f ca.key || ! -f ca.pem ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.pem -days "$days" -subj "/CN=Runnel development CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 600 ca.key
  rm -f server.pem # a new CA invalidates the old server certificate
  echo "dev-cert: created CA $dir/ca.pem"
fi

if [[ ! -f server.key || ! -f server.pem ]]; then
  ext="$(mktemp)"
  csr="$(mktemp)"
  trap 'rm -f "$ext" "$csr"' EXIT
  cat >"$ext" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EXT
  [[ -f server.key ]] || { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key; chmod 600 server.key; }
  openssl req -new -key server.key -out "$csr" -subj "/CN=localhost"
  openssl x509 -req -in "$csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
    -days "$days" -extfile "$ext" 2>/dev/null
  rm -f ca.srl
  echo "dev-cert: created server certificate $dir/server.pem (localhost, 127.0.0.1, ::1)"
fi

echo "dev-cert: CA          $(pwd)/ca.pem"
echo "dev-cert: certificate $(pwd)/server.pem"
echo "dev-cert: key         $(pwd)/server.key"
