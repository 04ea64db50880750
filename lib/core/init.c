/*
 * The init table: entries live in sections .init_table.<class>; the linker
 * script (kernel/kernel.ld) sorts them by name so classes run in order.
 */
#include "core.h"


/* Class of an entry is recovered from its position: each class has its
 * own bounds symbols emitted by the linker script. */
struct init_bounds {
	const struct init_entry *start, *end;
};

#define CLASS_BOUNDS(n) \
	extern const struct init_entry __init_class##n##_start[], __init_class##n##_end[];
CLASS_BOUNDS(1)
CLASS_BOUNDS(2)
CLASS_BOUNDS(3)
CLASS_BOUNDS(4)
CLASS_BOUNDS(5)

static const struct init_bounds bounds[] = {
	{ __init_class1_start, __init_class1_end },
	{ __init_class2_start, __init_class2_end },
	{ __init_class3_start, __init_class3_end },
	{ __init_class4_start, __init_class4_end },
	{ __init_class5_start, __init_class5_end },
};

int core_run_init_class(int cls)
{
	const struct init_entry *e;
	int err;

	if (cls < INIT_EARLY || cls > INIT_LATE)
		return -EINVAL;
	for (e = bounds[cls - 1].start; e < bounds[cls - 1].end; e++) {
		err = e->fn();
		if (err) {
			printk("tessera: init %s failed: %d\n", e->name, err);
			return err;
		}
	}
	return 0;
}
