/* SPDX-License-Identifier: MIT */
/* libbpf's messages: never on stderr, the last one kept for the one line
 * that says why a program did not load (the NDP programs', the guard's). */
#ifndef SIXPLANED_BPF_LOG_H
#define SIXPLANED_BPF_LOG_H

/* libbpf speaks through us from here on; what it said before is gone. */
void sp_bpf_log_start(void);
/* Why the last load failed: the verifier's reason (the line that says
 * where and the one that says what), else libbpf's last line; "" if it
 * said nothing. */
const char *sp_bpf_log_reason(void);

#endif
