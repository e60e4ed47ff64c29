/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/* bench/ndp's arrival floor: drop every frame at the interface's first
 * hook, so that what an NS costs before anyone looks at it can be told
 * from what answering it costs. (This kernel has no matchall or gact.) */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

__attribute__((section("tc"), used)) int drop_all(struct __sk_buff *skb)
{
	(void)skb;
	return TC_ACT_SHOT;
}

char LICENSE[] __attribute__((section("license"), used)) = "Dual MIT/GPL";
