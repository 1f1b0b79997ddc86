#!/bin/sh
# Times apic import, apic check and apic generate on the OpenAI spec (3.4 MB of JSON, 288
# operations, 1,422 schemas) and on the petstore, and the three in a row (the target: under a
# second for the OpenAI spec on the 2-core machine).
#   bench/import-bench.sh [APIC] [RUNS]
# Prints, per document and step, milliseconds of wall time and of CPU (user + system) over RUNS
# runs: the minimum and the median.
set -eu
APIC=${1:-build/apic}
RUNS=${2:-10}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
gzip -dc tests/import/data/openai-openapi-f85dbe22.json.gz > "$DIR/openai.json"
cp tests/import/data/petstore-3.0.yaml "$DIR/petstore.yaml"

# "min median" of the numbers on stdin.
stats() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%7.1f %7.1f", v[1], v[int((NR + 1) / 2)] }'
}

# Runs $2 RUNS times; prints wall and CPU milliseconds ("min median" each). $1 runs before each.
measure() {
	: > "$DIR/wall"
	: > "$DIR/cpu"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		sh -c "$1"
		/usr/bin/time -f '%e %U %S' -o "$DIR/t" sh -c "$2" > /dev/null 2>&1
		awk '{ print $1 * 1000 >> "'"$DIR/wall"'"; print ($2 + $3) * 1000 >> "'"$DIR/cpu"'" }' "$DIR/t"
		i=$((i + 1))
	done
	printf '%s   %s\n' "$(stats < "$DIR/wall")" "$(stats < "$DIR/cpu")"
}

echo "$RUNS runs each; milliseconds: wall (min median), cpu (min median)"
printf '%-9s %-22s %-15s   %s\n' document step "wall" "cpu"
for doc in openai petstore; do
	src="$DIR/$doc.json"
	[ -f "$src" ] || src="$DIR/$doc.yaml"
	api="$DIR/$doc.api"
	"$APIC" import "$src" --quiet -o "$api"
	printf '%-9s %-22s %s\n' "$doc" import "$(measure true "$APIC import $src --quiet -o $api")"
	printf '%-9s %-22s %s\n' "$doc" check "$(measure true "$APIC check $api")"
	printf '%-9s %-22s %s\n' "$doc" "generate (fresh)" "$(measure "rm -rf $DIR/sdk" "$APIC generate $api -o $DIR/sdk")"
	printf '%-9s %-22s %s\n' "$doc" "all three" \
		"$(measure "rm -rf $DIR/sdk" "$APIC import $src --quiet -o $api && $APIC check $api && $APIC generate $api -o $DIR/sdk")"
done
