# Front-end suites: parsing into the AST, diagnostics, robustness, imports, dump.
FRONT_TESTS := parse diagnostics robust imports dump
FRONT_BINS  := $(FRONT_TESTS:%=$(BUILD)/tests/front/test_%)
TEST_BINS   += $(FRONT_BINS)
ALL_OBJS    += $(FRONT_TESTS:%=$(BUILD)/tests/front/test_%.o) $(BUILD)/tests/front/front_test.o

$(BUILD)/tests/front/%.o: EXTRA_CFLAGS = -Itests/front
$(FRONT_TESTS:%=$(BUILD)/tests/front/test_%.o) $(BUILD)/tests/front/front_test.o: | $(BUILD)/generator/parser.h $(BUILD)/generator/lexer.h

$(BUILD)/tests/front/test_%: $(BUILD)/tests/front/test_%.o $(BUILD)/tests/front/front_test.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# libFuzzer target for the front end (make fuzz), built with clang in its own tree.
FUZZ_TARGETS += build/fuzz/fuzz_front
build/fuzz/fuzz_front: tests/front/fuzz_front.c generator/*.c generator/*.h generator/lexer.l generator/parser.y
	$(MAKE) BUILD=build/fuzz-objs CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build/fuzz-objs/apic
	@mkdir -p $(@D)
	clang -O1 -g -fsanitize=fuzzer,address,undefined $(INCLUDES:$(BUILD)=build/fuzz-objs) -Ibuild/fuzz-objs/generator \
	  $(PKG_CFLAGS) -D_POSIX_C_SOURCE=200809L -o $@ $< \
	  $(filter-out build/fuzz-objs/generator/main.o,$(wildcard build/fuzz-objs/generator/*.o)) $(PKG_LIBS)
