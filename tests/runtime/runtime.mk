# libapic suites. Test binaries link the static library.
RT_TESTS := core model engine stream admission transport kinds ops
TEST_BINS += $(RT_TESTS:%=$(BUILD)/tests/runtime/test_%)
ALL_OBJS  += $(RT_TESTS:%=$(BUILD)/tests/runtime/test_%.o) $(BUILD)/tests/runtime/rt_server.o \
             $(BUILD)/tests/runtime/rt_raw.o

$(BUILD)/tests/runtime/test_%: $(BUILD)/tests/runtime/test_%.o $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# Suites that talk HTTP link the scripted server and the bare one.
RT_HTTP_TESTS := engine stream admission transport kinds ops
RT_SERVERS := $(BUILD)/tests/runtime/rt_server.o $(BUILD)/tests/runtime/rt_raw.o
$(RT_HTTP_TESTS:%=$(BUILD)/tests/runtime/test_%): $(BUILD)/tests/runtime/test_%: $(BUILD)/tests/runtime/test_%.o $(RT_SERVERS) $(BUILD)/libapic.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread
