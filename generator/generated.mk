# generated/: the committed output of `apic generate` for every spec in spec/.
#   make generate          regenerate generated/<name>/ for each spec/<name>.api
#   make check-generated   fail (and say what) when generated/ is not what apic would write
SPECS := $(wildcard spec/*.api)

generate: $(BUILD)/apic
	@for s in $(SPECS); do $(BUILD)/apic generate $$s -o generated/$$(basename $$s .api) || exit 1; done

check-generated: $(BUILD)/apic
	@status=0; \
	for s in $(SPECS); do n=$$(basename $$s .api); \
	  $(BUILD)/apic generate $$s -o generated/$$n --check || { echo "generated/$$n is stale: run 'make generate' and commit it"; status=1; }; \
	done; \
	for d in generated/*/; do n=$$(basename $$d); \
	  [ -f spec/$$n.api ] || { echo "generated/$$n has no spec/$$n.api: remove it"; status=1; }; \
	done; exit $$status

.PHONY: generate check-generated
