# libapic's self-contained helpers (SSE parser, URL encoding): suites linking the static library
# (and the test server, for the one that checks a URL on the wire).
RTU_TESTS := sse url
TEST_BINS += $(RTU_TESTS:%=$(BUILD)/tests/runtime_util/test_%)
ALL_OBJS  += $(RTU_TESTS:%=$(BUILD)/tests/runtime_util/test_%.o)

$(BUILD)/tests/runtime_util/test_%: $(BUILD)/tests/runtime_util/test_%.o $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/tests/runtime_util/test_url: $(BUILD)/tests/runtime_util/test_url.o $$(TEST_SERVER_OBJS) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread
