/* SPDX-License-Identifier: MIT */
#include "bpf_gen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

void sp_bpf_drop_gen(struct bpf_map *m, size_t key_size, size_t gen_offset, unsigned gen)
{
	uint8_t key[64], next[64];
	uint8_t(*doomed)[64] = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	if (key_size > sizeof(key) || gen_offset >= key_size)
		return;
	/* collected first: deleting while walking would restart the walk */
	while (!bpf_map__get_next_key(m, prev, next, key_size)) {
		memcpy(key, next, key_size);
		prev = key;
		if (next[gen_offset] != gen)
			continue;
		if (n == cap) {
			void *p = realloc(doomed, (cap = cap ? 2 * cap : 64) * sizeof(*doomed));
			if (!p)
				break;
			doomed = p;
		}
		memcpy(doomed[n++], next, key_size);
	}
	for (size_t i = 0; i < n; i++)
		bpf_map__delete_elem(m, doomed[i], key_size, 0);
	free(doomed);
}
