# Front-end suites: parsing into the AST, diagnostics, robustness, imports, dump.
FRONT_TESTS := parse diagnostics robust imports dump
FRONT_BINS  := $(FRONT_TESTS:%=$(BUILD)/tests/front/test_%)
TEST_BINS   += $(FRONT_BINS)
ALL_OBJS    += $(FRONT_TESTS:%=$(BUILD)/tests/front/test_%.o) $(BUILD)/tests/front/front_test.o

$(BUILD)/tests/front/%.o: EXTRA_CFLAGS = -Itests/front
$(FRONT_TESTS:%=$(BUILD)/tests/front/test_%.o) $(BUILD)/tests/front/front_test.o: | $(BUILD)/generator/parser.h $(BUILD)/generator/lexer.h

$(BUILD)/tests/front/test_%: $(BUILD)/tests/front/test_%.o $(BUILD)/tests/front/front_test.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# libFuzzer target for the front end (make fuzz), built with clang from the sources in one step;
# the scanner and parser come from the ordinary rules, in build/fuzz.
FUZZ_TARGETS += build/fuzz/fuzz_front
FUZZ_CFLAGS = -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iruntime/include \
              -Igenerator -Ibuild/fuzz/generator $(PKG_CFLAGS)
FRONT_SRCS = $(addprefix generator/,ast.c check.c diag.c dump.c frontend.c names.c usage.c) runtime/src/datetime.c
build/fuzz/fuzz_front: tests/front/fuzz_front.c $(FRONT_SRCS) generator/lexer.l generator/parser.y
	$(MAKE) BUILD=build/fuzz build/fuzz/generator/parser.c build/fuzz/generator/lexer.c
	clang $(FUZZ_CFLAGS) -Wno-unused-function -o $@ tests/front/fuzz_front.c \
	  $(FRONT_SRCS) \
	  build/fuzz/generator/parser.c build/fuzz/generator/lexer.c $(PKG_LIBS)

# A short run seeded with the shipped specs (CI runs it when clang is there).
FUZZ_SECONDS ?= 20
fuzz-run: build/fuzz/fuzz_front build/fuzz/fuzz_models
	rm -rf build/fuzz/corpus-front && mkdir -p build/fuzz/corpus-front && cp spec/*.api spec/common/*.api tests/front/data/*.api build/fuzz/corpus-front/
	build/fuzz/fuzz_front -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=65536 build/fuzz/corpus-front
	rm -rf build/fuzz/corpus-models && mkdir -p build/fuzz/corpus-models && cp tests/models/data/*.json build/fuzz/corpus-models/
	build/fuzz/fuzz_models -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=65536 build/fuzz/corpus-models
.PHONY: fuzz-run
