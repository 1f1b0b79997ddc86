# The scriptable test server (tests/support/test_server.h) and its own suite. Other suites
# link $(TEST_SERVER_OBJS) and add -lpthread.
TEST_SERVER_OBJS := $(BUILD)/tests/support/test_server.o
TEST_BINS += $(BUILD)/tests/support/test_test_server
ALL_OBJS  += $(TEST_SERVER_OBJS) $(BUILD)/tests/support/test_test_server.o

$(BUILD)/tests/support/test_test_server: $(BUILD)/tests/support/test_test_server.o $(TEST_SERVER_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread
