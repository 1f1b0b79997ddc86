# Runs every example (examples/examples.mk) as a child process against the generated mock
# servers, in-process, and checks what each prints against examples/expected.txt.
TEST_BINS += $(BUILD)/tests/examples/test_examples
ALL_OBJS  += $(BUILD)/tests/examples/test_examples.o
$(BUILD)/tests/examples/test_examples.o: EXTRA_CFLAGS = -Imock/include -Igenerated/torale/mock -Igenerated/bloomy/mock \
  -Igenerated/inference/mock -Igenerated/petstore/mock \
  -DEXAMPLES_DIR='"$(BUILD)/examples"' -DEXAMPLE_NAMES='"$(EXAMPLES)"' -DEXPECTED_FILE='"$(EXAMPLES_EXPECTED)"'
$(BUILD)/tests/examples/test_examples: $(BUILD)/tests/examples/test_examples.o $(GEN_MOCK_OBJS) $(MOCK_LIBS) \
    | $$(EXAMPLE_BINS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MOCK_LDLIBS) $(TEST_LIBS)
$(BUILD)/tests/examples/test_examples.o: examples/examples.mk
