# Renderer suites: the official mustache spec, our own cases (errors, limits), apic render.
RENDER_TESTS := mustache_spec mustache render_cmd
RENDER_BINS  := $(RENDER_TESTS:%=$(BUILD)/tests/render/test_%)
TEST_BINS    += $(RENDER_BINS)
ALL_OBJS     += $(RENDER_TESTS:%=$(BUILD)/tests/render/test_%.o)

$(BUILD)/tests/render/test_%: $(BUILD)/tests/render/test_%.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)
