#!/bin/sh
# Times `apic check` on synthesized specs of 10, 100, 1,000 and 5,000 resources. Each resource
# brings a model of 8 mixed fields, an enum and 5 operations (the shape of a real API).
#   bench/check-bench.sh [APIC] [RUNS]
# Uses hyperfine when installed, else a timed loop.
# Prints one line per size: resources, spec bytes, mean milliseconds, microseconds per resource.
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

# Mean seconds of one `apic check FILE`: hyperfine when it is installed (warm-up, outlier
# detection), else a plain loop timed with date.
mean_seconds() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-csv "$DIR/t.csv" \
			"$APIC check $1" >/dev/null 2>&1
		awk -F, 'NR == 2 { print $2 }' "$DIR/t.csv"
	else
		start=$(date +%s%N)
		i=0
		while [ $i -lt "$RUNS" ]; do "$APIC" check "$1"; i=$((i + 1)); done
		end=$(date +%s%N)
		awk -v t="$((end - start))" -v r="$RUNS" 'BEGIN { print t / r / 1e9 }'
	fi
}

command -v hyperfine >/dev/null 2>&1 && echo "timing with hyperfine, $RUNS runs each" || echo "timing with a loop, $RUNS runs each"
printf '%-10s %-10s %-10s %-12s\n' resources bytes mean_ms us_per_res
for n in 10 100 1000 5000; do
	f="$DIR/bench$n.api"
	synth "$n" > "$f"
	"$APIC" check "$f" || { echo "bench: the synthesized spec does not check" >&2; exit 1; }
	awk -v n="$n" -v b="$(wc -c < "$f")" -v s="$(mean_seconds "$f")" \
		'BEGIN { ms = s * 1000; printf "%-10d %-10d %-10.2f %-12.2f\n", n, b, ms, ms * 1000 / n }'
done
