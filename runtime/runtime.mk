# libapic: every runtime/src/*.c into build/libapic.a and build/libapic.so, exporting only
# what APIC_EXPORT marks (everything else is hidden), and a check that it exports only apic_*.
RT_SRCS := $(wildcard runtime/src/*.c)
RT_OBJS := $(RT_SRCS:%.c=$(BUILD)/%.o)
ALL_OBJS    += $(RT_OBJS)
ALL_TARGETS += $(BUILD)/libapic.a $(BUILD)/libapic.so

$(BUILD)/runtime/%.o: EXTRA_CFLAGS = -fPIC -fvisibility=hidden -Iruntime/src

$(BUILD)/libapic.a: $(RT_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/libapic.so: $(RT_OBJS)
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,libapic.so.0 -o $@ $^ $(PKG_LIBS)

check-symbols: $(BUILD)/libapic.so
	@bad=$$(nm -D --defined-only $< | awk '{print $$3}' | grep -v '^apic_' || true); \
	if [ -n "$$bad" ]; then echo "libapic exports symbols without the apic_ prefix:"; echo "$$bad"; exit 1; fi
.PHONY: check-symbols
