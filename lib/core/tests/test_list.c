/* Host tests of the intrusive list and the printk console hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core.h"

struct item {
	int v;
	struct list link;
};

static void test_list_order(void **state)
{
	struct list head = LIST_INIT(head);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 };
	struct list *it;
	int seen[3], n = 0;

	(void)state;
	assert_true(list_empty(&head));
	list_add_tail(&head, &b.link);
	list_add_head(&head, &a.link);
	list_add_tail(&head, &c.link);
	list_for_each(it, &head)
		seen[n++] = list_entry(it, struct item, link)->v;
	assert_int_equal(n, 3);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 3);
	list_del(&b.link);
	assert_ptr_equal(a.link.next, &c.link);
	assert_ptr_equal(c.link.prev, &a.link);
	assert_ptr_equal(list_first(&head, struct item, link), &a);
}

static char captured[128];
static size_t captured_len;

static void capture(const char *buf, size_t n)
{
	memcpy(captured + captured_len, buf, n);
	captured_len += n;
}

static void test_printk_console(void **state)
{
	(void)state;
	core_set_console(capture);
	printk("x=%d %s", 42, "ok");
	core_set_console(NULL);
	printk("dropped");
	assert_int_equal(captured_len, 7);
	assert_memory_equal(captured, "x=42 ok", 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_order),
		cmocka_unit_test(test_printk_console),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
