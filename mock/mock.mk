# libapic-mock: the mock server engine (see docs/mock.md), and apic-mock-dev, which runs it on
# a spec JSON file.
MOCK_SRCS := $(wildcard mock/src/*.c)
MOCK_OBJS := $(MOCK_SRCS:%.c=$(BUILD)/%.o)
ALL_TARGETS += $(BUILD)/libapic-mock.a $(BUILD)/apic-mock-dev
ALL_OBJS    += $(MOCK_OBJS) $(BUILD)/mock/tools/apic_mock_dev.o

$(BUILD)/mock/%.o: EXTRA_CFLAGS = -Imock/include

$(BUILD)/libapic-mock.a: $(MOCK_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Links libapic for its RFC 3339 parser; libmicrohttpd for the server.
MOCK_LIBS = $(BUILD)/libapic-mock.a $(BUILD)/libapic.a
MOCK_LDLIBS = $(PKG_LIBS) $(shell pkg-config --libs libmicrohttpd) -lpthread

$(BUILD)/apic-mock-dev: $(BUILD)/mock/tools/apic_mock_dev.o $(MOCK_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MOCK_LDLIBS)
