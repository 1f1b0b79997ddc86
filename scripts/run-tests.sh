#!/bin/sh
# Runs test programs JOBS at a time (most suites wait on servers and child processes, so two
# share two cores well), each under `timeout`, and shows each suite's output whole when it
# ends, with its time. Every suite runs even when one fails; the failed ones are listed last
# and the exit status is 1 then.
#   scripts/run-tests.sh JOBS TIMEOUT LOGDIR 'WRAP' TEST...
# WRAP (may be empty) goes before each program: valgrind for make valgrind.
set -u
JOBS=$1 TIMEOUT=$2 LOGS=$3 WRAP=$4
shift 4
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS/failed"
export TIMEOUT LOGS WRAP
printf '%s\n' "$@" | xargs -P "$JOBS" -n 1 sh -c '
	t=$1
	log="$LOGS/$(echo "$t" | tr / _).log"
	start=$(date +%s)
	timeout "$TIMEOUT" $WRAP "$t" > "$log" 2>&1
	rc=$?
	{
		flock 9
		echo "== $t ($(( $(date +%s) - start )) s)"
		cat "$log"
		[ "$rc" -eq 0 ] || { echo "FAILED: $t"; echo "$t" >> "$LOGS/failed"; }
	} 9> "$LOGS/.lock"
' sh
if [ -s "$LOGS/failed" ]; then
	echo "== failed:"
	cat "$LOGS/failed"
	exit 1
fi
