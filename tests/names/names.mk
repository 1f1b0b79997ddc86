# The property behind the checker's naming rules: specs full of hostile names are refused by
# apic check, or the C they generate compiles at -Werror with gcc (and clang when installed).
NAMES_CLANG := $(shell command -v clang 2>/dev/null)
TEST_BINS += $(BUILD)/tests/names/test_names
ALL_OBJS  += $(BUILD)/tests/names/test_names.o

$(BUILD)/tests/names/test_names.o: EXTRA_CFLAGS = -DGEN_CC='"$(CC)"' -DGEN_CLANG='"$(if $(NAMES_CLANG),clang)"' \
  -DGEN_CFLAGS='"$(WARN) -Werror -D_POSIX_C_SOURCE=200809L -Iruntime/include -Imock/include $(PKG_CFLAGS)"'
$(BUILD)/tests/names/test_names: $(BUILD)/tests/names/test_names.o $(GEN_LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread
