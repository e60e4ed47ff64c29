/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "host.h"

int sp_host_observe(struct sp_host *h)
{
	int r;

	h->links = NULL;
	h->addrs = NULL;
	h->n_links = h->n_addrs = 0;
	if ((r = sp_nl_links(&h->links, &h->n_links)))
		return r;
	if ((r = sp_nl_addrs(&h->addrs, &h->n_addrs))) {
		free(h->links);
		h->links = NULL;
		h->n_links = 0;
	}
	return r;
}

void sp_host_free(struct sp_host *h)
{
	free(h->links);
	free(h->addrs);
	h->links = NULL;
	h->addrs = NULL;
	h->n_links = h->n_addrs = 0;
}

bool sp_host_ours(const struct sp_link_info *li)
{
	/* a backplane's kinds: VXLAN, WireGuard in the kernel, or the TUN
	 * device of wireguard-go */
	return !strcmp(li->alias, SP_HOST_OUR_ALIAS) &&
	       (!strcmp(li->kind, "vxlan") || !strcmp(li->kind, "wireguard") ||
		!strcmp(li->kind, "tun"));
}

const struct sp_link_entry *sp_host_link(const struct sp_host *h, const char *name)
{
	for (size_t i = 0; i < h->n_links; i++)
		if (!strcmp(h->links[i].info.name, name))
			return &h->links[i];
	return NULL;
}

const struct sp_addr_entry *sp_host_addr(const struct sp_host *h, const struct sp_endpoint *e)
{
	size_t len = e->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < h->n_addrs; i++)
		if (h->addrs[i].family == e->family && !memcmp(h->addrs[i].addr, e->addr, len))
			return &h->addrs[i];
	return NULL;
}
