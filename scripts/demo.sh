#!/bin/sh
# make demo: until the generated SDK and its mock server exist, check the shipped specs.
set -u
BUILD=${1:-build}
status=0
for spec in spec/*.api; do
	[ -e "$spec" ] || { echo "demo: no specs in spec/ yet"; exit 0; }
	if "$BUILD/apic" check "$spec"; then
		echo "demo: $spec: no errors"
	else
		echo "demo: $spec: errors (above)"; status=1
	fi
done
exit $status
