# apic generate: file writing, manifest, --check, --dry-run, --templates.
TEST_BINS += $(BUILD)/tests/generate/test_generate
ALL_OBJS  += $(BUILD)/tests/generate/test_generate.o

$(BUILD)/tests/generate/test_generate: $(BUILD)/tests/generate/test_generate.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread
