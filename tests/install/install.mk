# Vendoring and installing: an SDK generated with --bundle-runtime builds alone outside the
# repo (make and cmake); make install PREFIX=... gives apic, libapic and libapic-mock, which an
# SDK generated without it builds against through pkg-config. Both drive make, cmake and cc
# in a temporary directory under /tmp.
INSTALL_TESTS := bundle install
TEST_BINS += $(INSTALL_TESTS:%=$(BUILD)/tests/install/test_%)
ALL_OBJS  += $(INSTALL_TESTS:%=$(BUILD)/tests/install/test_%.o) $(BUILD)/tests/install/sdk_util.o

# TEST_LDFLAGS: programs linked against this build's libapic.so need its sanitizer runtimes.
$(BUILD)/tests/install/%.o: EXTRA_CFLAGS = -DAPIC_BUILD='"$(BUILD)"' -DTEST_LDFLAGS='"$(LDSAN)"'

$(BUILD)/tests/install/test_%: $(BUILD)/tests/install/test_%.o $(BUILD)/tests/install/sdk_util.o \
                               | $(BUILD)/apic $(BUILD)/libapic.so $(BUILD)/libapic.a $(BUILD)/libapic-mock.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(TEST_LIBS)
