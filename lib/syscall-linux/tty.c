/* The console as a terminal: the termios and window-size ioctls. */
#include "proc.h"
#include "syscalls.h"

long tty_ioctl(unsigned long cmd, uint64_t arg)
{
	struct l_winsize ws = { .ws_row = 24, .ws_col = 80 };
	int32_t pgrp;

	switch (cmd) {
	case L_TCGETS:
		return copy_to_user((void *)arg, &current->termios,
				    sizeof(current->termios));
	case L_TCSETS:
	case L_TCSETSW:
	case L_TCSETSF:
		return copy_from_user(&current->termios, (const void *)arg,
				      sizeof(current->termios));
	case L_TIOCGWINSZ:
		return copy_to_user((void *)arg, &ws, sizeof(ws));
	case L_TIOCGPGRP:
		pgrp = current->pid;
		return copy_to_user((void *)arg, &pgrp, sizeof(pgrp));
	default:
		return -ENOTTY;
	}
}

/* The settings of a serial console that a program expects from a tty. */
void console_termios_init(struct l_termios *t)
{
	*t = (struct l_termios){
		.c_iflag = 0x500,	/* ICRNL | IXON */
		.c_oflag = 0x5,		/* OPOST | ONLCR */
		.c_cflag = 0xbf,	/* B38400 | CS8 | CREAD */
		.c_lflag = 0x8a3b,	/* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
		.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22 },
	};
}
