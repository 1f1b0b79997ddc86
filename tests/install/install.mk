# Vendoring and installing, outside the repo (in /tmp): an SDK generated with --bundle-runtime
# builds alone (make and cmake); make install PREFIX=... gives apic, libapic and libapic-mock,
# which an SDK generated without it builds against through pkg-config; generated SDKs install
# with cmake --install and are found with find_package and pkg-config. The SDKs are built
# once, by tests/install/sdk-fixture.sh while make builds the test binaries, and shared by these
# suites and tests/mock/test_mock_sdk (each suite used to build its own: minutes of make test).
INSTALL_TESTS := bundle install sdk_install
TEST_BINS += $(INSTALL_TESTS:%=$(BUILD)/tests/install/test_%)
ALL_OBJS  += $(INSTALL_TESTS:%=$(BUILD)/tests/install/test_%.o) $(BUILD)/tests/install/sdk_util.o

# The shared builds' directory: one per build variant (build, build/san...), named from its path.
SDK_FIXTURE := /tmp/apic-sdk-$(shell printf '%s' '$(abspath $(BUILD))' | cksum | cut -d' ' -f1)
SDK_STAMP   := $(BUILD)/tests/install/fixture.stamp

# TEST_LDFLAGS: programs linked against this build's libapic.so need its sanitizer runtimes.
$(BUILD)/tests/install/%.o: EXTRA_CFLAGS = -DAPIC_BUILD='"$(BUILD)"' -DTEST_LDFLAGS='"$(LDSAN)"' \
  -DSDK_FIXTURE='"$(SDK_FIXTURE)"'

$(BUILD)/tests/install/test_%: $(BUILD)/tests/install/test_%.o $(BUILD)/tests/install/sdk_util.o | $(SDK_STAMP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(TEST_LIBS)
$(BUILD)/tests/mock/test_mock_sdk: | $(SDK_STAMP)

# make clean removes them too (they live outside BUILD).
clean: clean-sdk-fixture
clean-sdk-fixture:
	rm -rf '$(SDK_FIXTURE)'
.PHONY: clean-sdk-fixture

$(SDK_STAMP): tests/install/sdk-fixture.sh $(BUILD)/apic $(BUILD)/libapic.so $(BUILD)/libapic.a \
              $(BUILD)/libapic-mock.a docs/apic.1 $(wildcard spec/*.api spec/*/*.api runtime/include/apic/*.h)
	@mkdir -p $(@D)
	sh tests/install/sdk-fixture.sh '$(BUILD)' '$(SDK_FIXTURE)' '$(LDSAN)' '$(MAKE)'
	@touch $@
