# libapic's self-contained helpers (SSE parser, URL encoding): suites linking the static library.
RTU_TESTS := sse
TEST_BINS += $(RTU_TESTS:%=$(BUILD)/tests/runtime_util/test_%)
ALL_OBJS  += $(RTU_TESTS:%=$(BUILD)/tests/runtime_util/test_%.o)

$(BUILD)/tests/runtime_util/test_%: $(BUILD)/tests/runtime_util/test_%.o $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)
