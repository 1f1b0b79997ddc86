# Renderer suites: the official mustache spec, our own cases (errors, limits), apic render.
RENDER_TESTS := mustache_spec mustache render_cmd
RENDER_BINS  := $(RENDER_TESTS:%=$(BUILD)/tests/render/test_%)
TEST_BINS    += $(RENDER_BINS)
ALL_OBJS     += $(RENDER_TESTS:%=$(BUILD)/tests/render/test_%.o)

$(BUILD)/tests/render/test_%: $(BUILD)/tests/render/test_%.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread

# libFuzzer target for the renderer (make fuzz), built with clang from the sources in one step;
# make test builds its own copy in $(BUILD)/fuzz so parallel builds do not collide.
FUZZ_TARGETS += build/fuzz/fuzz_mustache
RENDER_FUZZ = $(BUILD)/fuzz/fuzz_mustache
RENDER_FUZZ_SRCS = tests/render/fuzz_mustache.c generator/mustache.c generator/strbuf.c generator/view.c generator/bigmem.c
$(sort build/fuzz/fuzz_mustache $(RENDER_FUZZ)): $(RENDER_FUZZ_SRCS) generator/mustache.h generator/strbuf.h generator/view.h
	@mkdir -p $(@D)
	clang -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Igenerator \
	  $(PKG_CFLAGS) -o $@ $(RENDER_FUZZ_SRCS) $(PKG_LIBS)

# Seeds: the spec's cases and the shipped templates (numbered copies where names repeat).
define render_fuzz_seeds
rm -rf $(1) && mkdir -p $(1) && cp --backup=numbered tests/render/spec/*.json $$(find templates -name '*.mustache') $(1)/
endef

# make test: a few seconds of fuzzing when clang is there; make fuzz-run (CI): FUZZ_SECONDS.
RENDER_FUZZ_SECONDS ?= 3
test: render-fuzz-short
render-fuzz-short: $(if $(shell command -v clang),$(RENDER_FUZZ))
	@if [ -z "$^" ]; then echo "== render fuzz: clang not found; skipping the short fuzz run"; exit 0; fi; \
	 echo "== render fuzz: $(RENDER_FUZZ_SECONDS) s of $(RENDER_FUZZ)"; \
	 $(call render_fuzz_seeds,$(BUILD)/fuzz/corpus-render-short) && \
	 $(RENDER_FUZZ) -max_total_time=$(RENDER_FUZZ_SECONDS) -seed=1 -max_len=4096 \
	   -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus-render-short 2>$(BUILD)/fuzz/render-short.log \
	 || { tail -40 $(BUILD)/fuzz/render-short.log; echo "FAILED: render fuzz (input saved in $(BUILD)/fuzz/)"; exit 1; }
fuzz-run: render-fuzz-run
render-fuzz-run: build/fuzz/fuzz_mustache
	$(call render_fuzz_seeds,build/fuzz/corpus-render)
	build/fuzz/fuzz_mustache -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=4096 build/fuzz/corpus-render
.PHONY: render-fuzz-short render-fuzz-run
