# The mock servers apic generates (generated/<api>/mock/), built against this tree's libapic-mock:
# $(BUILD)/<api>-mock, and their objects for in-process use by the tests.
GEN_MOCKS := torale bloomy inference petstore
GEN_MOCK_OBJS := $(foreach a,$(GEN_MOCKS),$(BUILD)/generated/$(a)/mock/$(a)_mock.o)
ALL_TARGETS += $(GEN_MOCKS:%=$(BUILD)/%-mock)
ALL_OBJS    += $(GEN_MOCK_OBJS) $(GEN_MOCKS:%=$(BUILD)/generated/%/mock/main.o)
$(foreach a,$(GEN_MOCKS),$(eval $(BUILD)/generated/$(a)/mock/%.o: EXTRA_CFLAGS = -Imock/include))

$(BUILD)/%-mock: $(BUILD)/generated/%/mock/main.o $(BUILD)/generated/%/mock/$$*_mock.o $(MOCK_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(MOCK_LDLIBS)
