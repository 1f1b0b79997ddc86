# End-to-end suites: the generated SDKs (as committed in generated/) against libapic-mock serving
# the same spec, in-process on an ephemeral port. Both SDKs link into each binary with libapic,
# which is itself a check that they do not clash.
E2E_TESTS := torale bloomy
E2E_SDK_OBJS := $(foreach s,torale bloomy,$(foreach f,models errors client version,$(BUILD)/generated/$(s)/src/$(f).o))
TEST_BINS += $(E2E_TESTS:%=$(BUILD)/tests/e2e/test_%)
ALL_OBJS  += $(E2E_TESTS:%=$(BUILD)/tests/e2e/test_%.o) $(BUILD)/tests/e2e/e2e.o

$(BUILD)/tests/e2e/%.o: EXTRA_CFLAGS = -Imock/include -Itests/mock -Igenerated/torale/include -Igenerated/bloomy/include

$(BUILD)/tests/e2e/test_%: $(BUILD)/tests/e2e/test_%.o $(BUILD)/tests/e2e/e2e.o $(BUILD)/tests/mock/mock_http.o \
    $(E2E_SDK_OBJS) $(MOCK_LIBS) | $(BUILD)/tests/mock/torale.json $(BUILD)/tests/mock/bloomy.json
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MOCK_LDLIBS) $(TEST_LIBS)

# Two SDKs must never clash: every global symbol of each library carries its prefix.
TEST_BINS += $(BUILD)/tests/e2e/test_symbols
ALL_OBJS  += $(BUILD)/tests/e2e/test_symbols.o
E2E_LIBS := $(BUILD)/tests/e2e/libtorale.a $(BUILD)/tests/e2e/libbloomy.a $(BUILD)/libapic.a $(BUILD)/libapic-mock.a
$(BUILD)/tests/e2e/lib%.a: $$(foreach f,models errors client version,$(BUILD)/generated/$$*/src/$$(f).o) \
    $(BUILD)/generated/$$*/mock/$$*_mock.o
	rm -f $@ && ar rcs $@ $^
$(BUILD)/tests/e2e/test_symbols.o: EXTRA_CFLAGS = -DE2E_LIBS='"$(E2E_LIBS)"'
$(BUILD)/tests/e2e/test_symbols: $(BUILD)/tests/e2e/test_symbols.o | $(E2E_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The generated mock servers, in-process and as programs.
TEST_BINS += $(BUILD)/tests/e2e/test_generated_mock
ALL_OBJS  += $(BUILD)/tests/e2e/test_generated_mock.o
$(BUILD)/tests/e2e/test_generated_mock.o: EXTRA_CFLAGS = -Imock/include -Itests/mock -Igenerated/torale/include \
  -Igenerated/bloomy/include -Igenerated/torale/mock -Igenerated/bloomy/mock -DMOCK_BIN_DIR='"$(BUILD)"'
$(BUILD)/tests/e2e/test_generated_mock: $(BUILD)/tests/e2e/test_generated_mock.o $(BUILD)/tests/mock/mock_proc.o \
    $(GEN_MOCK_OBJS) $(E2E_SDK_OBJS) $(MOCK_LIBS) | $(BUILD)/torale-mock $(BUILD)/bloomy-mock
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(MOCK_LDLIBS) $(TEST_LIBS)
