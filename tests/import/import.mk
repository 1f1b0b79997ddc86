# apic import and apic fmt: the mapping rules, the commands, the public petstores and the OpenAI
# spec end to end, and a libFuzzer target for the importer.

# In-process suites: the mapping rules (import*.c) and the printer (fmt.c) on the front end.
IMPORT_UNIT := rules fmt
TEST_BINS   += $(IMPORT_UNIT:%=$(BUILD)/tests/import/test_%)
ALL_OBJS    += $(IMPORT_UNIT:%=$(BUILD)/tests/import/test_%.o)
$(IMPORT_UNIT:%=$(BUILD)/tests/import/test_%): $(BUILD)/tests/import/test_%: $(BUILD)/tests/import/test_%.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread
$(IMPORT_UNIT:%=$(BUILD)/tests/import/test_%.o): | $(BUILD)/generator/parser.h $(BUILD)/generator/lexer.h

# End to end through the built programs (apic, the generated SDKs and mock servers, cc, clang):
# the commands, the petstores, the OpenAI spec.
IMPORT_E2E := cli petstore openai
IMPORT_E2E_OBJS = $(BUILD)/tests/import/import_e2e.o $(BUILD)/tests/import/probe.o $(BUILD)/tests/mock/mock_proc.o
TEST_BINS += $(IMPORT_E2E:%=$(BUILD)/tests/import/test_%)
ALL_OBJS  += $(IMPORT_E2E:%=$(BUILD)/tests/import/test_%.o) $(BUILD)/tests/import/import_e2e.o $(BUILD)/tests/import/probe.o
$(BUILD)/tests/import/%.o: EXTRA_CFLAGS = -Itests/mock -DAPIC_BUILD='"$(BUILD)"' \
  -DMOCK_LINK='"$(MOCK_LDLIBS) $(LDSAN)"' -DWARN_FLAGS='"$(WARN) $(WERROR)"'
$(IMPORT_E2E:%=$(BUILD)/tests/import/test_%): $(BUILD)/tests/import/test_%: $(BUILD)/tests/import/test_%.o $(IMPORT_E2E_OBJS) \
    | $(BUILD)/apic $(BUILD)/libapic-mock.a $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread

# libFuzzer target (make fuzz), built with clang from the sources in one step; the scanner and
# parser C come from the ordinary rules in $(BUILD)/generator. make test builds its own copy in
# $(BUILD)/fuzz so parallel builds in other BUILD directories do not collide.
FUZZ_TARGETS += build/fuzz/fuzz_import
IMPORT_FUZZ = $(BUILD)/fuzz/fuzz_import
IMPORT_FUZZ_SRCS = tests/import/fuzz_import.c $(wildcard generator/import*.c) generator/fmt.c $(FRONT_SRCS)
$(sort build/fuzz/fuzz_import $(IMPORT_FUZZ)): $(IMPORT_FUZZ_SRCS) $(BUILD)/generator/parser.c $(BUILD)/generator/lexer.c
	@mkdir -p $(@D)
	clang -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_POSIX_C_SOURCE=200809L \
	  -Iruntime/include -Igenerator \
	  -I$(BUILD)/generator $(PKG_CFLAGS) -Wno-unused-function -o $@ $(IMPORT_FUZZ_SRCS) \
	  $(BUILD)/generator/parser.c $(BUILD)/generator/lexer.c $(PKG_LIBS)

# Seeds: the small documents (the OpenAI spec is too large to mutate usefully).
define import_fuzz_seeds
rm -rf $(1) && mkdir -p $(1) && cp tests/import/data/*.yaml tests/import/data/*.json $(1)/
endef

# make test: a few seconds of fuzzing when clang is there; make fuzz-run (CI): FUZZ_SECONDS.
IMPORT_FUZZ_SECONDS ?= 4
test: import-fuzz-short
import-fuzz-short: $(if $(shell command -v clang),$(IMPORT_FUZZ))
	@if [ -z "$^" ]; then echo "== import fuzz: clang not found; skipping the short fuzz run"; exit 0; fi; \
	 echo "== import fuzz: $(IMPORT_FUZZ_SECONDS) s of $(IMPORT_FUZZ)"; \
	 $(call import_fuzz_seeds,$(BUILD)/fuzz/corpus-import-short) && \
	 $(IMPORT_FUZZ) -max_total_time=$(IMPORT_FUZZ_SECONDS) -seed=1 -max_len=65536 -rss_limit_mb=4096 \
	   -artifact_prefix=$(BUILD)/fuzz/import- $(BUILD)/fuzz/corpus-import-short 2>$(BUILD)/fuzz/import-short.log \
	 || { tail -40 $(BUILD)/fuzz/import-short.log; echo "FAILED: import fuzz (input saved in $(BUILD)/fuzz/)"; exit 1; }
fuzz-run: import-fuzz-run
import-fuzz-run: build/fuzz/fuzz_import
	$(call import_fuzz_seeds,build/fuzz/corpus-import)
	build/fuzz/fuzz_import -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=65536 -rss_limit_mb=4096 build/fuzz/corpus-import
.PHONY: import-fuzz-short import-fuzz-run
