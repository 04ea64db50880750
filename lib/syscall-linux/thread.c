/*
 * Threads: clone/clone3 for what pthread_create asks (CLONE_THREAD and
 * friends), and a thread's end: clear_child_tid, the robust futex list,
 * and the process's end with its last thread.
 */
#include "futex.h"
#include "proc.h"
#include "syscalls.h"

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000

#define THREAD_NEEDS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define THREAD_MAY	(THREAD_NEEDS | CLONE_SYSVSEM | CLONE_SETTLS | \
			 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			 CLONE_CHILD_SETTID | CLONE_DETACHED)

struct clone_req {
	uint64_t flags, stack, parent_tid, child_tid, tls;
};

struct lthread *lthread_create(const struct trapframe *tf)
{
	struct lthread *lt = mm_zalloc(sizeof(*lt));

	if (!lt)
		return NULL;
	lt->thread = sched_thread_create(tf, lt);
	if (!lt->thread) {
		mm_free(lt);
		return NULL;
	}
	return lt;
}

static long clone_thread(const struct clone_req *req)
{
	struct lthread *parent = cur_thread(), *child;
	struct trapframe tf = *parent->tf;
	int tid;

	if ((req->flags & THREAD_NEEDS) != THREAD_NEEDS) {
		/* A new process (fork-like) needs the process component. */
		return -ENOSYS;
	}
	if (req->flags & ~(THREAD_MAY | 0xff))	/* low byte: exit signal */
		return -EINVAL;
	tf.rax = 0;			/* the child sees clone() return 0 */
	if (req->stack)
		tf.rsp = req->stack;
	child = lthread_create(&tf);
	if (!child)
		return -ENOMEM;
	tid = child->thread->tid;
	child->sigmask = parent->sigmask;
	if (req->flags & CLONE_SETTLS)
		child->thread->ctx.fs_base = req->tls;
	if (req->flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = req->child_tid;
	/* Like Linux, a bad tid pointer does not undo the clone. */
	if (req->flags & CLONE_PARENT_SETTID)
		(void)copy_to_user((void *)req->parent_tid, &tid, sizeof(tid));
	if (req->flags & CLONE_CHILD_SETTID)
		(void)copy_to_user((void *)req->child_tid, &tid, sizeof(tid));
	sched_thread_ready(child->thread);
	return tid;
}

long sys_clone(uint64_t flags, uint64_t stack, uint64_t parent_tid,
	       uint64_t child_tid, uint64_t tls)
{
	struct clone_req req = { flags, stack, parent_tid, child_tid, tls };

	return clone_thread(&req);
}

struct l_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#define CLONE_ARGS_SIZE_VER0	64

long sys_clone3(uint64_t uargs, size_t size)
{
	struct l_clone_args a = { 0 };
	struct clone_req req;

	if (size < CLONE_ARGS_SIZE_VER0 || size > 4096)
		return -EINVAL;
	if (copy_from_user(&a, (const void *)uargs, MIN(size, sizeof(a))))
		return -EFAULT;
	if (a.set_tid || a.set_tid_size || a.cgroup || a.exit_signal ||
	    (a.stack && !a.stack_size))
		return -EINVAL;
	req = (struct clone_req){ a.flags, a.stack ? a.stack + a.stack_size : 0,
				  a.parent_tid, a.child_tid, a.tls };
	return clone_thread(&req);
}

/* CLONE_CHILD_CLEARTID: zero the tid word and wake one joiner. */
static void clear_child_tid(struct lthread *lt)
{
	uint32_t zero = 0;

	if (!lt->clear_child_tid)
		return;
	if (copy_to_user((void *)lt->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake_addr(lt->clear_child_tid, 1);
}

void lthread_exit(int status)
{
	struct lthread *lt = cur_thread();

	if (sched_thread_count() == 1)
		proc_exit(status);	/* the last thread ends the process */
	futex_robust_cleanup(lt->robust_list, sched_current()->tid);
	clear_child_tid(lt);
	mm_free(lt);
	sched_current()->owner = NULL;
	sched_exit();
}
