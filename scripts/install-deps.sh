#!/bin/sh
# Installs the Debian packages apic needs to build and test.
#   scripts/install-deps.sh             install what is missing
#   scripts/install-deps.sh --if-missing  do nothing (quietly) when everything is found
# make runs it with --if-missing, so a fresh machine goes from clone to green with `make test`.
set -u

PKGS="flex bison pkg-config libcurl4-openssl-dev libuv1-dev libcjson-dev libcmocka-dev libmicrohttpd-dev libfyaml-dev"
# Tools the tests and benchmarks use: valgrind for leak checks, clang for the fuzz targets,
# cmake for building generated SDKs with their CMakeLists.txt, openssl to make the runtime
# tests' self-signed certificates, nghttpd (nghttp2-server) as their HTTP/2 server, abidiff
# (abigail-tools) to check apic diff's C ABI verdicts against the generated libraries.
TOOLS="valgrind clang cmake openssl nghttp2-server abigail-tools"

have_all() {
	command -v flex >/dev/null 2>&1 && command -v bison >/dev/null 2>&1 &&
		command -v pkg-config >/dev/null 2>&1 && command -v cmake >/dev/null 2>&1 &&
		command -v openssl >/dev/null 2>&1 && { [ -x /usr/sbin/nghttpd ] || command -v nghttpd >/dev/null 2>&1; } &&
		command -v abidiff >/dev/null 2>&1 &&
		pkg-config --exists libcurl libuv libcjson cmocka libmicrohttpd libfyaml 2>/dev/null
}

if [ "${1:-}" = "--if-missing" ] && have_all; then
	exit 0
fi

if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "apic: missing build dependencies and not root (no sudo either)." >&2
	echo "apic: as root, run: apt-get install $PKGS" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "apic: missing build dependencies and this is not a Debian-like system." >&2
	echo "apic: install the equivalents of: $PKGS" >&2
	exit 1
fi

echo "apic: installing build dependencies: $PKGS $TOOLS" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || { echo "apic: apt-get update failed" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends $PKGS $TOOLS >&2 ||
	{ echo "apic: apt-get install failed; install by hand: $PKGS" >&2; exit 1; }
have_all || { echo "apic: dependencies still not found after install" >&2; exit 1; }
