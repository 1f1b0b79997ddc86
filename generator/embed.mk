# Templates are compiled into apic: generator/embed turns every file under templates/ into
# C data ($(BUILD)/generator/templates_data.c), rebuilt whenever a template changes.
TEMPLATE_FILES := $(sort $(shell find templates -type f 2>/dev/null))
# The directories too: removing or renaming a template changes only its directory's mtime.
TEMPLATE_DIRS  := $(shell find templates -type d 2>/dev/null)
GEN_EXTRA_OBJS += $(BUILD)/generator/templates_data.o
# Date checks for spec defaults are libapic's, so the compiler and the SDKs agree.
GEN_EXTRA_OBJS += $(BUILD)/runtime/src/datetime.o $(BUILD)/runtime/src/formats.o

$(BUILD)/embed: generator/embed/embed.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(WERROR) -O1 $(LDSAN) -o $@ $<

$(BUILD)/generator/templates_data.c: $(BUILD)/embed $(TEMPLATE_FILES) $(TEMPLATE_DIRS) generator/embed.mk
	@mkdir -p $(@D)
	$(BUILD)/embed templates $(TEMPLATE_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/generator/templates_data.o: $(BUILD)/generator/templates_data.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# libapic's and libapic-mock's sources and headers, for `apic generate --bundle-runtime`
# ($(BUILD)/generator/runtime_data.c). Only what the libraries build from: no tools, no .mk.
RUNTIME_FILES := $(sort $(wildcard runtime/include/apic/*.h runtime/src/*.c runtime/src/*.h \
                                   mock/include/apic/*.h mock/src/*.c mock/src/*.h))
GEN_EXTRA_OBJS += $(BUILD)/generator/runtime_data.o

$(BUILD)/generator/runtime_data.c: $(BUILD)/embed $(RUNTIME_FILES) runtime/src runtime/include/apic mock/src generator/embed.mk
	@mkdir -p $(@D)
	$(BUILD)/embed -s embedded_runtime . $(RUNTIME_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/generator/runtime_data.o: $(BUILD)/generator/runtime_data.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@
