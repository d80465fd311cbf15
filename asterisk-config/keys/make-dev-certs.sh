#!/bin/sh
# Makes a self-signed certificate for a LAB Asterisk: keys/asterisk.crt and keys/asterisk.key (PEM),
# used by http.conf (HTTPS / WSS on 8089), pjsip.conf's TLS transport and the WebRTC endpoints' DTLS.
# Production uses a certificate the agents' browsers trust (the SAS's PKI, ACME) for HTTPS/WSS.
#   sh asterisk-config/keys/make-dev-certs.sh [hostname]      (default: localhost)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
host=${1:-localhost}
openssl req -x509 -newkey rsa:2048 -sha256 -days 825 -nodes \
  -keyout "$dir/asterisk.key" -out "$dir/asterisk.crt" \
  -subj "/CN=$host/O=sas-acd lab" \
  -addext "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1" 2>/dev/null
# Asterisk in the container runs as uid 1000 (andrius/asterisk): it must be able to read the key.
chmod 644 "$dir/asterisk.crt" "$dir/asterisk.key"
echo "wrote $dir/asterisk.crt and $dir/asterisk.key for $host"
