#!/bin/sh
# Makes the TLS fixtures of test/oscar/tls-trust.test.ts (README.md here). Run from this folder.
set -e
DAYS=36500
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
# A self-signed certificate made for "localhost", as an OSCAR install script makes one.
ec self-signed.key
openssl req -x509 -new -key self-signed.key -out self-signed.pem -days $DAYS -subj "/O=oscar-fhir tests/CN=localhost" -addext "subjectAltName=DNS:localhost"
# A clinic's private CA, and two certificates it signed: one for 127.0.0.1 (the test servers'
# address), one for another name.
ec ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days $DAYS -subj "/O=oscar-fhir tests/CN=Test Clinic CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
leaf() {
  ec "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/O=oscar-fhir tests/CN=$2"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days $DAYS -extfile "$1.ext"
  rm "$1.csr" "$1.ext"
}
leaf signed-ip 127.0.0.1 IP:127.0.0.1
leaf signed-other oscar.other.example DNS:oscar.other.example
rm -f ca.srl ca.key
