/* libapic, all of it: include this one header. Declares nothing itself. */
#ifndef APIC_APIC_H
#define APIC_APIC_H

#include "apic/alloc.h"
#include "apic/client.h"
#include "apic/datetime.h"
#include "apic/error.h"
#include "apic/formats.h"
#include "apic/lro.h"
#include "apic/model.h"
#include "apic/op.h"
#include "apic/sse.h"
#include "apic/stream.h"
#include "apic/url.h"

#endif
