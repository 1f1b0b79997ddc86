#!/bin/sh
# Times `apic check` and `apic generate` on synthesized specs of 10, 100, 1,000 and 5,000
# resources. Each resource brings a model of 8 mixed fields, an enum and 5 operations (the
# shape of a real API).
#   bench/spec-bench.sh [APIC] [RUNS]
# Uses hyperfine when installed, else a timed loop.
# Prints one line per size: resources, spec bytes, then milliseconds (median and minimum with
# hyperfine, mean with the loop) of `apic check`, of `apic generate` into an empty directory
# (fresh) and of `apic generate` into a directory it already brought up to date (current).
set -eu
APIC=${1:-build/apic}
RUNS=${2:-20}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

synth() { # $1 = number of resources
	awk -v n="$1" 'BEGIN {
		print "api bench { title = \"Bench\"; version = \"1\"; base_url = \"http://127.0.0.1\"; auth = bearer; }"
		print "error NotFound 404 { detail?: string; }"
		for (i = 0; i < n; i++) {
			printf "/// Kind of item %d.\nenum Kind%d { small; medium; large = \"x-large\"; }\n", i, i
			printf "/// Item %d.\nmodel Item%d {\n", i, i
			printf "  id: string;\n  name: string @max_len(100);\n  count: int = 0 @min(0);\n"
			printf "  ratio?: float;\n  active: bool = true;\n  kind: Kind%d = small;\n", i
			printf "  created_at: datetime;\n  tags: string[] = [];\n}\n"
			printf "model Item%dPage { items: Item%d[]; next?: string; }\n", i, i
			printf "resource items%d \"/items%d\" {\n", i, i
			printf "  create: POST \"\" body Item%d -> Item%d;\n", i, i
			printf "  get: GET \"/{id}\" errors(NotFound) -> Item%d;\n", i
			printf "  list: GET \"\" query(cursor?: string, limit?: int = 20) -> page<Item%dPage> @paginate(items: \"items\", next: \"next\", param: \"cursor\");\n", i
			printf "  update: PATCH \"/{id}\" body Item%d -> Item%d;\n", i, i
			printf "  delete: DELETE \"/{id}\";\n}\n"
		}
	}'
}

# Milliseconds of one run of the command in $2 ("median/min" with hyperfine: warm-up, outlier
# detection; else the mean of a plain loop timed with date). $1 runs before each timed run.
millis() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --style none --warmup 3 --runs "$RUNS" --prepare "$1" --export-csv "$DIR/t.csv" \
			"$2" >/dev/null 2>&1
		awk -F, 'NR == 2 { printf "%.1f/%.1f", $4 * 1000, $7 * 1000 }' "$DIR/t.csv"
	else
		start=$(date +%s%N)
		i=0
		while [ $i -lt "$RUNS" ]; do sh -c "$1"; $2 2>/dev/null; i=$((i + 1)); done
		end=$(date +%s%N)
		awk -v t="$((end - start))" -v r="$RUNS" 'BEGIN { printf "%.1f", t / r / 1e6 }'
	fi
}

command -v hyperfine >/dev/null 2>&1 && echo "timing with hyperfine, $RUNS runs each (median/min ms)" ||
	echo "timing with a loop, $RUNS runs each (mean ms)"
printf '%-10s %-10s %-14s %-14s %-14s\n' resources bytes check generate_fresh generate_current
for n in 10 100 1000 5000; do
	f="$DIR/bench$n.api"
	out="$DIR/out$n"
	synth "$n" > "$f"
	"$APIC" check "$f" || { echo "bench: the synthesized spec does not check" >&2; exit 1; }
	check=$(millis true "$APIC check $f")
	fresh=$(millis "rm -rf $out" "$APIC generate $f -o $out")
	"$APIC" generate "$f" -o "$out" 2>/dev/null
	current=$(millis true "$APIC generate $f -o $out")
	printf '%-10d %-10d %-14s %-14s %-14s\n' "$n" "$(wc -c < "$f")" "$check" "$fresh" "$current"
	rm -rf "$out"
done
