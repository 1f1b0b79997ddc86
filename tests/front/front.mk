# Front-end suites: parsing into the AST, diagnostics, robustness, imports, dump.
FRONT_TESTS := parse diagnostics robust imports dump types
FRONT_BINS  := $(FRONT_TESTS:%=$(BUILD)/tests/front/test_%)
TEST_BINS   += $(FRONT_BINS)
ALL_OBJS    += $(FRONT_TESTS:%=$(BUILD)/tests/front/test_%.o) $(BUILD)/tests/front/front_test.o

$(BUILD)/tests/front/%.o: EXTRA_CFLAGS = -Itests/front
$(FRONT_TESTS:%=$(BUILD)/tests/front/test_%.o) $(BUILD)/tests/front/front_test.o: | $(BUILD)/generator/parser.h $(BUILD)/generator/lexer.h

$(BUILD)/tests/front/test_%: $(BUILD)/tests/front/test_%.o $(BUILD)/tests/front/front_test.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread

# libFuzzer target for the front end (make fuzz), built with clang from the sources in one step;
# the scanner and parser C come from the ordinary rules in $(BUILD)/generator. make test builds a
# copy in $(BUILD)/fuzz so that parallel builds in other BUILD directories do not collide.
FUZZ_TARGETS += build/fuzz/fuzz_front
FUZZ_CFLAGS = -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iruntime/include \
              -Igenerator -Ibuild/fuzz/generator $(PKG_CFLAGS)
FRONT_SRCS = $(addprefix generator/,ast.c bigmem.c check.c cnames.c compose.c diag.c dump.c frontend.c lro.c names.c strbuf.c \
                                    unions.c usage.c) runtime/src/datetime.c runtime/src/formats.c
FRONT_FUZZ = $(BUILD)/fuzz/fuzz_front
$(sort build/fuzz/fuzz_front $(FRONT_FUZZ)): tests/front/fuzz_front.c $(FRONT_SRCS) \
                                            $(BUILD)/generator/parser.c $(BUILD)/generator/lexer.c
	@mkdir -p $(@D)
	clang $(filter-out -Ibuild/fuzz/generator,$(FUZZ_CFLAGS)) -I$(BUILD)/generator -Wno-unused-function \
	  -o $@ tests/front/fuzz_front.c $(FRONT_SRCS) $(BUILD)/generator/parser.c $(BUILD)/generator/lexer.c $(PKG_LIBS)

# make test: a few seconds of fuzzing seeded with the shipped specs, when clang is there.
FRONT_FUZZ_SECONDS ?= 4
test: front-fuzz-short
front-fuzz-short: $(if $(shell command -v clang),$(FRONT_FUZZ))
	@if [ -z "$^" ]; then echo "== front fuzz: clang not found; skipping the short fuzz run"; exit 0; fi; \
	 echo "== front fuzz: $(FRONT_FUZZ_SECONDS) s of $(FRONT_FUZZ)"; \
	 rm -rf $(BUILD)/fuzz/corpus-short && mkdir -p $(BUILD)/fuzz/corpus-short && \
	 cp spec/*.api spec/common/*.api tests/front/data/*.api $(BUILD)/fuzz/corpus-short/ && \
	 $(FRONT_FUZZ) -max_total_time=$(FRONT_FUZZ_SECONDS) -seed=1 -max_len=65536 \
	   -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus-short 2>$(BUILD)/fuzz/short.log \
	 || { tail -40 $(BUILD)/fuzz/short.log; echo "FAILED: front fuzz (input saved in $(BUILD)/fuzz/)"; exit 1; }
.PHONY: front-fuzz-short

# A short run seeded with the shipped specs (CI runs it when clang is there).
FUZZ_SECONDS ?= 20
fuzz-run: build/fuzz/fuzz_front build/fuzz/fuzz_models
	rm -rf build/fuzz/corpus-front && mkdir -p build/fuzz/corpus-front && cp spec/*.api spec/common/*.api tests/front/data/*.api build/fuzz/corpus-front/
	build/fuzz/fuzz_front -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=65536 build/fuzz/corpus-front
	rm -rf build/fuzz/corpus-models && mkdir -p build/fuzz/corpus-models && cp tests/models/data/*.json build/fuzz/corpus-models/
	build/fuzz/fuzz_models -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=65536 build/fuzz/corpus-models
.PHONY: fuzz-run
