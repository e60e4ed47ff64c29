/* SPDX-License-Identifier: MIT */
/* Generations in the tc programs' maps: a reload writes the next one
 * beside the running one, switches with one store, then drops the old. */
#ifndef SIXPLANED_BPF_GEN_H
#define SIXPLANED_BPF_GEN_H

#include <stddef.h>

struct bpf_map;

/* Delete every key of map m (keys of key_size bytes, at most 64) whose byte
 * at gen_offset is gen. */
void sp_bpf_drop_gen(struct bpf_map *m, size_t key_size, size_t gen_offset, unsigned gen);

#endif
