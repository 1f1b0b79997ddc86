# apic diff: the output for one fixture pair per rule (test_diff), and its C API and ABI
# verdicts against real builds (test_diff_builds: programs compiled against the generated
# SDKs, abidiff on their shared libraries).
DIFF_TESTS := diff diff_builds
TEST_BINS += $(DIFF_TESTS:%=$(BUILD)/tests/diff/test_%)
ALL_OBJS  += $(DIFF_TESTS:%=$(BUILD)/tests/diff/test_%.o) $(BUILD)/tests/diff/consumer.o

$(BUILD)/tests/diff/%.o: EXTRA_CFLAGS = -DAPIC_BUILD='"$(BUILD)"'

$(BUILD)/tests/diff/test_%: $(BUILD)/tests/diff/test_%.o $(BUILD)/tests/diff/consumer.o $(GEN_LIB_OBJS) | $(BUILD)/apic
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PKG_LIBS) $(TEST_LIBS) -lpthread
