/*
 * The `virtio_mmio.device=<size>@<base>:<irq>[:<id>]` kernel parameter
 * QEMU microvm and Firecracker use to describe virtio-mmio devices, in
 * Linux's syntax (drivers/virtio/virtio_mmio.c: memparse for the size,
 * %lli for the base, %u for the irq and the id).  Every number is checked
 * for overflow; any stray character rejects the whole option.
 */
#include "core.h"
#include "virtio_mmio.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Digits in base into *v; at least one; overflow is an error. */
static int parse_digits(const char **p, const char *end, unsigned base,
    uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int d;

	while (s < end && (d = digit_value(*s)) < (int)base) {
		if (x > (UINT64_MAX - (unsigned)d) / base)
			return -EINVAL;
		x = x * base + (unsigned)d;
		s++;
	}
	if (s == *p)
		return -EINVAL;
	*p = s;
	*v = x;
	return 0;
}

/* C notation (base 0): 0x hex, leading 0 octal, else decimal. */
static int parse_c_number(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		*p = s + 2;
		return parse_digits(p, end, 16, v);
	}
	if (end - s >= 2 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		*p = s + 1;
		return parse_digits(p, end, 8, v);
	}
	return parse_digits(p, end, 10, v);
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	case 'p': case 'P': return 50;
	case 'e': case 'E': return 60;
	default: return 0;
	}
}

/* memparse: a number with an optional binary suffix. */
static int parse_size(const char **p, const char *end, uint64_t *v)
{
	unsigned shift;

	if (parse_c_number(p, end, v) < 0)
		return -EINVAL;
	if (*p < end && (shift = suffix_shift(**p)) != 0) {
		if (*v > (UINT64_MAX >> shift))
			return -EINVAL;
		*v <<= shift;
		(*p)++;
	}
	return 0;
}

static int parse_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t x;

	if (parse_digits(p, end, 10, &x) < 0 || x > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static bool eat(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return true;
	}
	return false;
}

/* The value of one option: s .. end is "<size>@<base>:<irq>[:<id>]". */
static int parse_device(const char *s, const char *end,
    struct virtio_mmio_cmdline_dev *d)
{
	*d = (struct virtio_mmio_cmdline_dev){ 0 };
	if (parse_size(&s, end, &d->size) < 0 || d->size == 0 ||
	    !eat(&s, end, '@') || parse_c_number(&s, end, &d->base) < 0 ||
	    !eat(&s, end, ':') || parse_u32(&s, end, &d->irq) < 0)
		return -EINVAL;
	if (eat(&s, end, ':')) {
		if (parse_u32(&s, end, &d->id) < 0)
			return -EINVAL;
		d->has_id = true;
	}
	if (s != end || d->base > UINT64_MAX - d->size)
		return -EINVAL;
	return 0;
}

/* Linux treats '-' and '_' in parameter names alike. */
static const char *option_value(const char *w, const char *end)
{
	static const char name[] = "virtio_mmio.device=";
	size_t i, n = sizeof(name) - 1;

	if ((size_t)(end - w) < n)
		return NULL;
	for (i = 0; i < n; i++)
		if (w[i] != name[i] && !(name[i] == '_' && w[i] == '-'))
			return NULL;
	return w + n;
}

int virtio_mmio_cmdline_next(const char **pos, struct virtio_mmio_cmdline_dev *out)
{
	const char *w = *pos, *end, *val;

	for (;;) {
		while (*w && is_space(*w))
			w++;
		if (!*w)
			break;
		for (end = w; *end && !is_space(*end); end++)
			;
		/* "--": the rest belongs to the program, as in Linux. */
		if (end - w == 2 && w[0] == '-' && w[1] == '-')
			break;
		if ((val = option_value(w, end))) {
			*pos = end;
			return parse_device(val, end, out) < 0 ? -EINVAL : 1;
		}
		w = end;
	}
	*pos = w;
	return 0;
}
