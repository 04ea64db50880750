/*
 * What a program finds when it starts: argc/argv/envp as given, and an
 * auxiliary vector that is complete and true.  Run with arguments
 * "one two" and environment STARTUP_ENV=yes, on Linux and in Tessera.
 */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char _start[];

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
	printf("FAIL %s: ", #cond); printf(__VA_ARGS__); printf("\n"); } } while (0)

static void check_phdrs(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	int loads = 0;

	CHECK(ph != NULL, "AT_PHDR missing");
	CHECK(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)), "AT_PHENT %lu",
	      getauxval(AT_PHENT));
	CHECK(n > 0 && n < 64, "AT_PHNUM %lu", n);
	for (unsigned long i = 0; ph && i < n; i++)
		loads += ph[i].p_type == PT_LOAD;
	CHECK(loads > 0, "no PT_LOAD among the program headers at AT_PHDR");
}

/* The vDSO's clocks (what libc calls) agree with the system call's. */
static void check_vdso_time(void)
{
	struct timespec a, b, c;
	struct timeval tv;

	for (int i = 0; i < 100; i++) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &c);
		CHECK((a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec)) &&
		      (b.tv_sec < c.tv_sec || (b.tv_sec == c.tv_sec && b.tv_nsec <= c.tv_nsec)),
		      "monotonic out of order at %d", i);
	}
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	gettimeofday(&tv, NULL);
	CHECK(tv.tv_sec - a.tv_sec <= 1 && tv.tv_sec >= a.tv_sec, "gettimeofday %ld vs %ld",
	      (long)tv.tv_sec, (long)a.tv_sec);
	/* Linux's time() reads the coarse clock, updated once per tick: right
	 * after a second boundary it may still say the previous second. */
	CHECK(time(NULL) >= a.tv_sec - 1, "time() behind the realtime clock");
}

static void check_auxv(const char *argv0)
{
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	int nonzero = 0;

	check_phdrs();
	CHECK(getauxval(AT_SYSINFO_EHDR) != 0 &&
	      memcmp((const void *)getauxval(AT_SYSINFO_EHDR), "\177ELF", 4) == 0,
	      "AT_SYSINFO_EHDR does not point at the vDSO's ELF header");
	check_vdso_time();
	CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ %lu", getauxval(AT_PAGESZ));
	CHECK(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY %#lx _start %p",
	      getauxval(AT_ENTRY), (void *)_start);
	CHECK(getauxval(AT_BASE) == 0, "AT_BASE %#lx for a static program",
	      getauxval(AT_BASE));
	CHECK(getauxval(AT_CLKTCK) == 100, "AT_CLKTCK %lu", getauxval(AT_CLKTCK));
	CHECK(getauxval(AT_SECURE) == 0, "AT_SECURE %lu", getauxval(AT_SECURE));
	CHECK(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
	      getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(),
	      "AT_UID/EUID/GID/EGID disagree with the syscalls");
	CHECK(getauxval(AT_HWCAP) != 0, "AT_HWCAP is 0");
	CHECK(getauxval(AT_MINSIGSTKSZ) >= 1024, "AT_MINSIGSTKSZ %lu",
	      getauxval(AT_MINSIGSTKSZ));
	CHECK(rnd != NULL, "AT_RANDOM missing");
	for (int i = 0; rnd && i < 16; i++)
		nonzero += rnd[i] != 0;
	CHECK(nonzero > 4, "AT_RANDOM bytes look empty");
	CHECK(plat && strcmp(plat, "x86_64") == 0, "AT_PLATFORM %s", plat ? plat : "(null)");
	CHECK(execfn && strcmp(execfn, argv0) == 0, "AT_EXECFN %s argv[0] %s",
	      execfn ? execfn : "(null)", argv0);
}

int main(int argc, char **argv, char **envp)
{
	struct utsname u;
	int envc = 0;

	CHECK(argc == 3, "argc %d", argc);
	CHECK(argc == 3 && strcmp(argv[1], "one") == 0 && strcmp(argv[2], "two") == 0,
	      "argv");
	CHECK(argv[argc] == NULL, "argv not NULL-terminated");
	for (char **e = envp; *e; e++)
		envc++;
	CHECK(envc >= 1, "envp empty");
	CHECK(getenv("STARTUP_ENV") && strcmp(getenv("STARTUP_ENV"), "yes") == 0,
	      "STARTUP_ENV");
	CHECK(((unsigned long)__builtin_frame_address(0) & 7) == 0, "stack alignment");
	check_auxv(argv[0]);
	{
		/* /proc/self/auxv holds the same vector as getauxval. */
		unsigned long pair[2];
		FILE *f = fopen("/proc/self/auxv", "rb");
		int seen = 0;

		while (f && fread(pair, sizeof(pair), 1, f) == 1 && pair[0] != AT_NULL)
			seen += pair[0] == AT_PAGESZ && pair[1] == 4096;
		CHECK(f && seen == 1, "/proc/self/auxv");
		if (f)
			fclose(f);
	}
	CHECK(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 &&
	      strcmp(u.machine, "x86_64") == 0, "uname");
	CHECK(getpid() > 0 && getppid() >= 0, "pids");
	printf("startup: %d failed\n", failures);
	return failures ? 1 : 0;
}
