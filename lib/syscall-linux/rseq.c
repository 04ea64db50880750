/*
 * Restartable sequences (Linux's uapi linux/rseq.h), which glibc 2.35+
 * registers for every thread: sched_getcpu reads the CPU number from the
 * thread's struct rseq, and a critical section [start_ip, start_ip +
 * post_commit_offset) named by rseq_cs is aborted (the thread resumes at
 * abort_ip) when the thread lost the CPU or takes a signal inside it.
 *
 * One CPU: cpu_id is 0 from registration on and never changes, so no
 * migration ever aborts.  "Lost the CPU" is read from the scheduler: the
 * thread's ran_since changes whenever it goes through the scheduler
 * (preempted, blocked, or just rescheduled); an abort that was not needed
 * is allowed by the ABI, a missed one is not.
 */
#include <stddef.h>

#include "proc.h"
#include "syscalls.h"

#define RSEQ_FLAG_UNREGISTER	1
#define RSEQ_ORIG_SIZE		32	/* struct rseq up to mm_cid, padded */
#define RSEQ_CPU_ID_UNINITIALIZED ((uint32_t)-1)

struct l_rseq {
	uint32_t cpu_id_start, cpu_id;
	uint64_t rseq_cs;
	uint32_t flags, node_id, mm_cid;
};

struct l_rseq_cs {
	uint32_t version, flags;
	uint64_t start_ip, post_commit_offset, abort_ip;
};

/* The CPU fields of the thread's struct rseq (cpu -1: unregistered). */
static long put_cpu(uint64_t rseq, uint32_t cpu)
{
	struct l_rseq r = { .cpu_id_start = 0, .cpu_id = cpu };

	if (copy_to_user((void *)rseq, &r, offsetof(struct l_rseq, rseq_cs)) ||
	    copy_to_user((void *)(rseq + offsetof(struct l_rseq, node_id)),
			 &r.node_id, 2 * sizeof(uint32_t)))
		return -EFAULT;
	return 0;
}

static long rseq_unregister(struct lthread *lt, uint64_t rseq, uint32_t len,
			    uint32_t sig)
{
	if (lt->rseq != rseq || lt->rseq_len != len)
		return -EINVAL;
	if (lt->rseq_sig != sig)
		return -EPERM;
	put_cpu(rseq, RSEQ_CPU_ID_UNINITIALIZED);
	lt->rseq = 0;
	lt->rseq_len = 0;
	return 0;
}

long sys_rseq(uint64_t rseq, uint32_t len, long flags, uint32_t sig)
{
	struct lthread *lt = cur_thread();

	if (flags & ~(long)RSEQ_FLAG_UNREGISTER)
		return -EINVAL;
	if (flags & RSEQ_FLAG_UNREGISTER)
		return rseq_unregister(lt, rseq, len, sig);
	if (lt->rseq) {
		if (lt->rseq != rseq || lt->rseq_len != len)
			return -EINVAL;
		return lt->rseq_sig != sig ? -EPERM : -EBUSY;
	}
	/* At least the original 32 bytes, aligned as struct rseq (32). */
	if (len < RSEQ_ORIG_SIZE || rseq % 32)
		return -EINVAL;
	if (rseq >= MM_USER_END || len > MM_USER_END - rseq)
		return -EFAULT;
	if (put_cpu(rseq, 0))
		return -EFAULT;
	lt->rseq = rseq;
	lt->rseq_len = len;
	lt->rseq_sig = sig;
	lt->rseq_ran_since = sched_current()->ran_since;
	return 0;
}

/* Drops the thread's rseq_cs pointer (after an abort, or lazily). */
static int clear_cs(struct lthread *lt)
{
	uint64_t zero = 0;

	return copy_to_user((void *)(lt->rseq + offsetof(struct l_rseq, rseq_cs)),
			    &zero, sizeof(zero)) ? -EFAULT : 0;
}

/* The thread's critical section descriptor, checked as Linux does. */
static int get_cs(struct lthread *lt, struct l_rseq_cs *cs, bool *none)
{
	uint64_t ptr;
	uint32_t sig;

	*none = false;
	if (copy_from_user(&ptr, (const void *)(lt->rseq +
	    offsetof(struct l_rseq, rseq_cs)), sizeof(ptr)))
		return -EFAULT;
	if (ptr == 0) {
		*none = true;
		return 0;
	}
	if (ptr >= MM_USER_END || copy_from_user(cs, (const void *)ptr, sizeof(*cs)))
		return -EINVAL;
	if (cs->version > 0 || cs->start_ip >= MM_USER_END ||
	    cs->post_commit_offset >= MM_USER_END - cs->start_ip ||
	    cs->abort_ip >= MM_USER_END || cs->abort_ip < sizeof(sig))
		return -EINVAL;
	/* The abort handler may not lie inside the section it ends. */
	if (cs->abort_ip - cs->start_ip < cs->post_commit_offset)
		return -EINVAL;
	/* Nor be anything but code the program marked with its signature. */
	if (copy_from_user(&sig, (const void *)(cs->abort_ip - sizeof(sig)),
			   sizeof(sig)) || sig != lt->rseq_sig)
		return -EINVAL;
	return 0;
}

/*
 * The thread was descheduled or takes a signal: if its rip is inside
 * its critical section, it resumes at abort_ip.  A bad descriptor (or
 * signature, or the deprecated NO_RESTART flags) is SIGSEGV, as on
 * Linux.
 */
static void fixup(struct lthread *lt, struct trapframe *tf)
{
	struct l_rseq_cs cs;
	uint32_t tflags;
	bool none;
	int err;

	if ((err = get_cs(lt, &cs, &none)) != 0 || none)
		goto out;
	if (tf->rip - cs.start_ip >= cs.post_commit_offset) {
		err = clear_cs(lt);	/* not inside: the pointer is stale */
		goto out;
	}
	if (copy_from_user(&tflags, (const void *)(lt->rseq +
	    offsetof(struct l_rseq, flags)), sizeof(tflags)))
		err = -EFAULT;
	else if (cs.flags || tflags)
		err = -EINVAL;
	else if ((err = clear_cs(lt)) == 0)
		tf->rip = cs.abort_ip;
out:
	if (err)
		signal_force(SIGSEGV, SI_KERNEL, 0);
}

void rseq_return(struct trapframe *tf)
{
	struct lthread *lt = cur_thread();
	uint64_t ran = sched_current()->ran_since;

	if (ran == lt->rseq_ran_since)
		return;
	lt->rseq_ran_since = ran;
	fixup(lt, tf);
}

void rseq_signal(struct trapframe *tf)
{
	struct lthread *lt = cur_thread();

	if (lt->rseq)
		fixup(lt, tf);
}
