/*
 * Checked copies between the kernel and the program.  A range must lie
 * wholly in the lower half; a fault inside it (unmapped, or forbidden)
 * is caught by the exception table and becomes -EFAULT.
 */
#include "arch.h"
#include "core.h"

#define USER_END 0x0000800000000000ULL

long user_copy(void *dst, const void *src, size_t n);
long user_clear(void *dst, size_t n);
long user_strncpy(char *dst, const char *src, size_t max);

static bool user_range_ok(const void *p, size_t n)
{
	uint64_t a = (uint64_t)p;

	return a < USER_END && n <= USER_END - a;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return (int)user_copy(dst, usrc, n);
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return (int)user_copy(udst, src, n);
}

int clear_user(void *udst, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return (int)user_clear(udst, n);
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	uint64_t a = (uint64_t)usrc;
	size_t room;
	long r;

	if (a >= USER_END)
		return -EFAULT;
	room = USER_END - a;
	r = user_strncpy(dst, usrc, MIN(max, room));
	/* Ran into the end of the user half before a NUL: a bad pointer. */
	if (r == -ENAMETOOLONG && room < max)
		return -EFAULT;
	return r;
}
