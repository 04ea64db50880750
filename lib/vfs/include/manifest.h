/*
 * The image manifest: how to start the program packed in an initramfs.
 * tools/mkinitramfs writes it to /.tessera/manifest; the kernel reads it
 * with manifest_parse() before it loads the program.
 *
 * The format is text, one directive per line, each line "KEYWORD VALUE"
 * with exactly one space between (the value is the rest of the line and
 * may be empty for "arg"):
 *
 *	program /bin/hello	the ELF to run (absolute; exactly once)
 *	cwd /			the working directory (absolute; at most once,
 *				default "/")
 *	arg /bin/hello		one line per argv element, argv[0] first; when
 *				there is none, argv is { program }
 *	env KEY=VALUE		one line per environment string; KEY is not empty
 *	# text			a comment; empty lines are ignored too
 *
 * Lines end in "\n" (the last one may lack it).  Outside escapes a line
 * holds only printable ASCII (0x20-0x7e).  Values are escaped: "\\" is a
 * backslash, "\n" a newline, "\xHH" (two hex digits) any byte but NUL.
 * Nothing else may follow a backslash.
 */
#ifndef VFS_MANIFEST_H
#define VFS_MANIFEST_H

#include <stddef.h>

#define MANIFEST_PATH		"/.tessera/manifest"
#define MANIFEST_MAX_ARGS	256
#define MANIFEST_MAX_ENV	256
#define MANIFEST_MAX_LINE	16384		/* bytes, without the "\n" */
#define MANIFEST_STRBUF		(64 * 1024)	/* all unescaped strings + NULs */

/*
 * The parsed manifest.  Every string lives in strings[], so the struct is
 * self-contained (about 68 KiB): allocate it statically or from the heap,
 * not on a kernel stack.  argv[argc] and envp[envc] are NULL.
 */
struct manifest {
	char *program;
	char *cwd;
	int argc, envc;
	char *argv[MANIFEST_MAX_ARGS + 1];
	char *envp[MANIFEST_MAX_ENV + 1];
	int err_line;		/* 1-based line of the error, or 0 */
	size_t strused;
	char strings[MANIFEST_STRBUF];
};

/*
 * Parses len bytes of text into m.  0 on success; -EINVAL for malformed
 * input (unknown directive, bad escape, a byte outside printable ASCII,
 * an overlong line, a missing or repeated program, a relative path, an
 * env string without "KEY="); -E2BIG when there are more than
 * MANIFEST_MAX_ARGS args or MANIFEST_MAX_ENV env strings or the strings
 * overflow MANIFEST_STRBUF.  On error m->err_line names the line, or is
 * 0 when no line is to blame (no "program" at all).
 */
int manifest_parse(const char *text, size_t len, struct manifest *m);

#endif
