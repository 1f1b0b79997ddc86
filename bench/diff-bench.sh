#!/bin/sh
# Times `apic diff` on synthesized specs of 100, 1,000 and 5,000 resources (bench/spec-bench.sh's
# shape: a model of 8 mixed fields, an enum and 5 operations per resource), against a second
# version where one resource in a hundred changed (a field and an enum value added, a bound
# tightened, a default changed, an operation removed), and against itself. `apic check` of
# one spec is the reference: a diff reads and checks two (on two threads).
#   bench/diff-bench.sh [APIC] [RUNS]
# Prints one line per size: resources, then milliseconds (median/min with hyperfine, else the
# mean of a timed loop) of `apic check OLD`, `apic diff OLD NEW` and `apic diff OLD OLD`.
set -eu
APIC=${1:-build/apic}
RUNS=${2:-20}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

synth() { # $1 = number of resources, $2 = 1 for the changed version
	awk -v n="$1" -v changed="$2" 'BEGIN {
		print "api bench { title = \"Bench\"; version = \"1.0.0\"; base_url = \"http://127.0.0.1\"; auth = bearer; }"
		print "error NotFound 404 { detail?: string; }"
		for (i = 0; i < n; i++) {
			edit = changed && i % 100 == 0
			printf "/// Kind of item %d.\nenum Kind%d { small; medium; large = \"x-large\";%s }\n", i, i, edit ? " huge;" : ""
			printf "/// Item %d.\nmodel Item%d {\n", i, i
			printf "  id: string;\n  name: string @max_len(%d);\n  count: int = 0 @min(0);\n", edit ? 50 : 100
			printf "  ratio?: float;\n  active: bool = true;\n  kind: Kind%d = small;\n", i
			printf "  created_at: datetime;\n  tags: string[] = [];\n%s}\n", edit ? "  note?: string;\n" : ""
			printf "model Item%dPage { items: Item%d[]; next?: string; }\n", i, i
			printf "resource items%d \"/items%d\" {\n", i, i
			printf "  create: POST \"\" body Item%d -> Item%d;\n", i, i
			printf "  get: GET \"/{id}\" errors(NotFound) -> Item%d;\n", i
			printf "  list: GET \"\" query(cursor?: string, limit?: int = %d) -> page<Item%dPage> @paginate(items: \"items\", next: \"next\", param: \"cursor\");\n", edit ? 50 : 20, i
			printf "  update: PATCH \"/{id}\" body Item%d -> Item%d;\n", i, i
			if (!edit)
				printf "  delete: DELETE \"/{id}\";\n"
			printf "}\n"
		}
	}'
}

# Milliseconds of the command in $1: "median/min" with hyperfine, else a loop's mean.
millis() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N -i --style none --warmup 3 --runs "$RUNS" --export-csv "$DIR/t.csv" "$1" >/dev/null 2>&1
		awk -F, 'NR == 2 { printf "%.1f/%.1f", $4 * 1000, $7 * 1000 }' "$DIR/t.csv"
	else
		start=$(date +%s%N)
		i=0
		while [ $i -lt "$RUNS" ]; do $1 >/dev/null 2>&1 || true; i=$((i + 1)); done
		end=$(date +%s%N)
		awk -v t="$((end - start))" -v r="$RUNS" 'BEGIN { printf "%.1f", t / r / 1e6 }'
	fi
}

command -v hyperfine >/dev/null 2>&1 && echo "timing with hyperfine, $RUNS runs each (median/min ms)" ||
	echo "timing with a loop, $RUNS runs each (mean ms)"
printf '%-10s %-14s %-14s %-14s %s\n' resources check diff_changed diff_same findings
for n in 100 1000 5000; do
	synth "$n" 0 > "$DIR/old$n.api"
	synth "$n" 1 > "$DIR/new$n.api"
	"$APIC" check "$DIR/new$n.api" || { echo "bench: the synthesized spec does not check" >&2; exit 1; }
	found=$("$APIC" diff "$DIR/old$n.api" "$DIR/new$n.api" --format json | grep -c '"rule"' || true)
	printf '%-10d %-14s %-14s %-14s %s\n' "$n" "$(millis "$APIC check $DIR/old$n.api")" \
		"$(millis "$APIC diff $DIR/old$n.api $DIR/new$n.api")" "$(millis "$APIC diff $DIR/old$n.api $DIR/old$n.api")" "$found"
done
