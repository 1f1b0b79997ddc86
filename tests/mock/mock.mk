# libapic-mock suites: the engine in-process on the Torale and Bloomy specs (dumped by apic at
# build time), driven with plain libcurl; the CLI driven as a child process.
MOCK_TESTS := crud faults cli
TEST_BINS += $(MOCK_TESTS:%=$(BUILD)/tests/mock/test_mock_%)
ALL_OBJS  += $(MOCK_TESTS:%=$(BUILD)/tests/mock/test_mock_%.o) $(BUILD)/tests/mock/mock_http.o

$(BUILD)/tests/mock/%.o: EXTRA_CFLAGS = -Imock/include -DMOCK_SPEC_DIR='"$(BUILD)/tests/mock"' \
  -DMOCK_DEV='"$(BUILD)/apic-mock-dev"'

$(BUILD)/tests/mock/%.json: spec/%.api $(wildcard spec/common/*.api) $(BUILD)/apic
	@mkdir -p $(@D)
	$(BUILD)/apic dump $< > $@

$(BUILD)/tests/mock/test_mock_%: $(BUILD)/tests/mock/test_mock_%.o $(BUILD)/tests/mock/mock_http.o $(MOCK_LIBS) \
    | $(BUILD)/tests/mock/torale.json $(BUILD)/tests/mock/bloomy.json $(BUILD)/apic-mock-dev
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MOCK_LDLIBS) $(TEST_LIBS)
