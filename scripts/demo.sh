#!/bin/sh
# make demo: regenerate the Torale, Bloomy, inference.sh and petstore SDKs from spec/, start their mock
# servers on free ports, run the examples against them (the examples inject the faults they
# show: rate limits, slow answers, failed runs), print what they print, and stop the servers.
#   sh scripts/demo.sh BUILD [EXAMPLE...]   (the Makefile passes $(BUILD) and $(EXAMPLES);
#                                            examples named bloomy_* run against Bloomy,
#                                            inference_* against inference.sh, petstore_* against
#                                            the Swagger petstore)
set -u
BUILD=${1:-build}
[ $# -gt 0 ] && shift
TMP=$(mktemp -d)
PIDS=
cleanup() {
	for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The mocks' admin token, which the examples send to their /__mock/ endpoints (example.c).
APIC_MOCK_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export APIC_MOCK_TOKEN

# start_mock API: regenerates the SDK (and its mock), rebuilds, starts the generated mock
# server (generated/API/mock, built as BUILD/API-mock) and sets BASE_<API> to the base URL it
# prints (it serves under the path of the spec's base URL).
start_mock() {
	echo "== apic generate spec/$1.api -o generated/$1"
	"$BUILD/apic" generate "spec/$1.api" -o "generated/$1" || exit 1
	make -s BUILD="$BUILD" "$BUILD/$1-mock" || exit 1
	data=
	[ -f "examples/$1-data.json" ] && data="--data examples/$1-data.json" # what the examples read
	"$BUILD/$1-mock" --port 0 --admin-token "$APIC_MOCK_TOKEN" $data >"$TMP/$1.out" 2>"$TMP/$1.err" &
	pid=$!
	PIDS="$PIDS $pid"
	i=0
	until grep -q '^admin token: ' "$TMP/$1.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "demo: the $1 mock server did not start:"; cat "$TMP/$1.err"; exit 1
		fi
		sleep 0.1
	done
	base=$(sed -n 's/^base URL: //p' "$TMP/$1.out" | head -n 1)
	echo "== the $1 mock server is at $base"
	eval "BASE_$1=\$base"
}

start=$(date +%s)
start_mock torale
start_mock bloomy
start_mock inference
start_mock petstore
export TORALE_API_KEY=demo-key BLOOMY_API_KEY=demo-key INFERENCE_API_KEY=demo-key
export PETSTORE_API_KEY=special-key PETSTORE_OAUTH=demo-oauth-token
status=0
for ex in "$@"; do
	case $ex in
	bloomy_*) base=$BASE_bloomy ;;
	inference_*) base=$BASE_inference ;;
	petstore_*) base=$BASE_petstore ;;
	*) base=$BASE_torale ;;
	esac
	echo
	echo "== examples/$ex.c"
	if ! timeout 30 "$BUILD/examples/$ex" "$base"; then
		echo "demo: example $ex failed"; status=1
	fi
done
echo
secs=$(($(date +%s) - start))
[ $status -eq 0 ] && echo "demo: done: $# examples in $secs s" || echo "demo: some examples failed"
exit $status
