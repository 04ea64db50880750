/*
 * futex(2): waiters are kept per word address in a small hash table; a
 * waiter blocks in lib/sched with an optional deadline and is woken by
 * FUTEX_WAKE*, requeued, timed out or interrupted by a signal.  One
 * process, so FUTEX_PRIVATE_FLAG changes nothing.
 */
#include "futex.h"
#include "plat.h"
#include "proc.h"
#include "syscalls.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY	0xffffffffu

#define FUTEX_OWNER_DIED	0x40000000u
#define FUTEX_WAITERS		0x80000000u
#define FUTEX_TID_MASK		0x3fffffffu
#define ROBUST_LIST_LIMIT	2048

#define BUCKETS			64
#define NSEC			1000000000ull

struct futex_waiter {
	uint64_t uaddr;
	uint32_t bitset;
	struct thread *thread;
	struct list link;
};

static struct list buckets[BUCKETS];

static struct list *bucket(uint64_t uaddr)
{
	struct list *b = &buckets[(uaddr >> 2) % BUCKETS];

	if (!b->next)
		list_init(b);
	return b;
}

static int futex_wake_bits(uint64_t uaddr, int n, uint32_t bitset)
{
	struct list *b = bucket(uaddr), *it, *tmp;
	int woken = 0;

	list_for_each_safe(it, tmp, b) {
		struct futex_waiter *w = list_entry(it, struct futex_waiter, link);

		if (woken >= n)
			break;
		if (w->uaddr != uaddr || !(w->bitset & bitset))
			continue;
		list_del(&w->link);
		sched_wake_thread(w->thread);
		woken++;
	}
	return woken;
}

int futex_wake_addr(uint64_t uaddr, int n)
{
	return futex_wake_bits(uaddr, n, FUTEX_BITSET_ANY);
}

/* The absolute monotonic deadline of a timeout argument (0: none). */
static long futex_deadline(int cmd, int op, uint64_t uts, uint64_t *deadline)
{
	struct l_timespec ts;
	uint64_t ns, now = plat_monotonic_ns();

	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC)
		return -EINVAL;
	ns = (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
	if (cmd == FUTEX_WAIT) {
		*deadline = now + ns;			/* relative */
	} else if (op & FUTEX_CLOCK_REALTIME) {
		uint64_t boot = plat_boot_wallclock_ns();

		*deadline = ns > boot ? ns - boot : 1;	/* already past */
	} else {
		*deadline = ns ? ns : 1;		/* absolute monotonic */
	}
	return 0;
}

static long futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline,
		       uint32_t bitset)
{
	struct futex_waiter w = { uaddr, bitset, sched_current(), { 0, 0 } };
	uint32_t cur;
	int r;

	if (bitset == 0)
		return -EINVAL;
	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	list_add_tail(bucket(uaddr), &w.link);
	r = sched_wait(NULL, deadline);
	if (w.link.next != &w.link)		/* not taken off by a waker */
		list_del(&w.link);
	if (r == -EINTR)	/* a handler with SA_RESTART waits again */
		return deadline ? -EINTR : -ERESTARTSYS;
	return r == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

/* Moves waiters of uaddr beyond the first n_wake onto uaddr2. */
static long futex_requeue(uint64_t uaddr, int n_wake, uint64_t uaddr2,
			  int n_requeue)
{
	struct list *b = bucket(uaddr), *it, *tmp;
	int woken = futex_wake_addr(uaddr, n_wake), moved = 0;

	list_for_each_safe(it, tmp, b) {
		struct futex_waiter *w = list_entry(it, struct futex_waiter, link);

		if (moved >= n_requeue)
			break;
		if (w->uaddr != uaddr)
			continue;
		list_del(&w->link);
		w->uaddr = uaddr2;
		list_add_tail(bucket(uaddr2), &w->link);
		moved++;
	}
	return woken + moved;
}

/* FUTEX_WAKE_OP's encoded operation on *uaddr2; returns the old value's test. */
static long futex_wake_op(uint64_t uaddr, int n, uint64_t uaddr2, int n2,
			  uint32_t encoded)
{
	uint32_t op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
	uint32_t old, new;
	bool hit;
	int woken;

	if (encoded & (8u << 28))		/* FUTEX_OP_OPARG_SHIFT */
		oparg = 1u << (oparg & 31);
	if (copy_from_user(&old, (const void *)uaddr2, sizeof(old)))
		return -EFAULT;
	switch (op) {
	case 0: new = oparg; break;		/* SET */
	case 1: new = old + oparg; break;	/* ADD */
	case 2: new = old | oparg; break;	/* OR */
	case 3: new = old & ~oparg; break;	/* ANDN */
	case 4: new = old ^ oparg; break;	/* XOR */
	default: return -ENOSYS;
	}
	if (copy_to_user((void *)uaddr2, &new, sizeof(new)))
		return -EFAULT;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = (int32_t)old < (int32_t)cmparg; break;
	case 3: hit = (int32_t)old <= (int32_t)cmparg; break;
	case 4: hit = (int32_t)old > (int32_t)cmparg; break;
	case 5: hit = (int32_t)old >= (int32_t)cmparg; break;
	default: return -ENOSYS;
	}
	woken = futex_wake_addr(uaddr, n);
	if (hit)
		woken += futex_wake_addr(uaddr2, n2);
	return woken;
}

static long futex_cmp_requeue(uint64_t uaddr, int n, uint64_t uaddr2, int n2,
			      uint32_t val3)
{
	uint32_t cur;

	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
		return -EFAULT;
	if (cur != val3)
		return -EAGAIN;
	return futex_requeue(uaddr, n, uaddr2, n2);
}

long sys_futex(uint64_t uaddr, long op, uint32_t val, uint64_t uts,
	       uint64_t uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	uint64_t deadline;
	long r;

	if (uaddr & 3)
		return -EINVAL;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if ((r = futex_deadline(cmd, op, uts, &deadline)))
			return r;
		return futex_wait(uaddr, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
	case FUTEX_WAKE:
		return futex_wake_addr(uaddr, (int)val);
	case FUTEX_WAKE_BITSET:
		return val3 ? futex_wake_bits(uaddr, (int)val, val3) : -EINVAL;
	case FUTEX_REQUEUE:	/* the timeout argument is val2, a count */
		return futex_requeue(uaddr, (int)val, uaddr2, (int)uts);
	case FUTEX_CMP_REQUEUE:
		return futex_cmp_requeue(uaddr, (int)val, uaddr2, (int)uts, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, (int)val, uaddr2, (int)uts, val3);
	default:
		return -ENOSYS;
	}
}

/* One robust futex the dead thread held: mark it and wake a waiter. */
static void robust_release(uint64_t uaddr, int tid)
{
	uint32_t v, nv;

	if (copy_from_user(&v, (const void *)uaddr, sizeof(v)) ||
	    (v & FUTEX_TID_MASK) != (uint32_t)tid)
		return;
	nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user((void *)uaddr, &nv, sizeof(nv)) == 0 && (v & FUTEX_WAITERS))
		futex_wake_addr(uaddr, 1);
}

/*
 * struct robust_list_head { next; long futex_offset; list_op_pending; }:
 * a circular list of entries; each entry's lock word is at entry +
 * futex_offset.  Bounded, so a corrupt list cannot hang the kernel.
 */
void futex_robust_cleanup(uint64_t head, int tid)
{
	uint64_t h[3], entry;
	int n = 0;

	if (!head || copy_from_user(h, (const void *)head, sizeof(h)))
		return;
	for (entry = h[0] & ~1ull; entry != head && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;

		if (copy_from_user(&next, (const void *)entry, sizeof(next)))
			return;
		if (entry != (h[2] & ~1ull))
			robust_release(entry + (int64_t)h[1], tid);
		entry = next & ~1ull;
	}
	if (h[2] & ~1ull)
		robust_release((h[2] & ~1ull) + (int64_t)h[1], tid);
}
