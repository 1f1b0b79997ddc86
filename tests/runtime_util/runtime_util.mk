# libapic's self-contained helpers (SSE parser, URL encoding): suites linking the static library
# (and the test server, for the one that checks a URL on the wire).
RTU_TESTS := sse url
TEST_BINS += $(RTU_TESTS:%=$(BUILD)/tests/runtime_util/test_%)
ALL_OBJS  += $(RTU_TESTS:%=$(BUILD)/tests/runtime_util/test_%.o)

$(BUILD)/tests/runtime_util/test_%: $(BUILD)/tests/runtime_util/test_%.o $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/tests/runtime_util/test_url: $(BUILD)/tests/runtime_util/test_url.o $$(TEST_SERVER_OBJS) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread

# libFuzzer target (make fuzz): split-invariance of the SSE parser, URL and header checks.
# Built with clang in one step from the sources it needs.
FUZZ_TARGETS += build/fuzz/fuzz_sse_url
RTU_FUZZ_SRCS := tests/runtime_util/fuzz_sse_url.c runtime/src/sse.c runtime/src/url.c runtime/src/alloc.c
build/fuzz/fuzz_sse_url: $(RTU_FUZZ_SRCS) $(wildcard runtime/include/apic/*.h runtime/src/*.h)
	@mkdir -p $(@D)
	clang -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L \
	  -Iruntime/include -Iruntime/src $(PKG_CFLAGS) -o $@ $(RTU_FUZZ_SRCS) $(PKG_LIBS)
