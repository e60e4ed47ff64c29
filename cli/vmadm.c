/* SPDX-License-Identifier: MIT */
/* The VM objects of vmadm and a zone's sdc:nics, read into what `sixplane
 * smartos` prints (vmadm.h). Every decision is made here, before anything
 * is printed, so a refusal prints nothing at all. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "vmadm.h"

static int fail(struct vmadm_result *r, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct vmadm_result *r, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	json_decref(r->out);
	r->out = NULL;
	return ret;
}

static void note(struct vmadm_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct vmadm_result *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(r->notes, json_string(buf));
}

static void start(struct vmadm_result *r)
{
	r->out = NULL;
	r->current = 0;
	r->notes = json_array();
	r->err[0] = '\0';
}

void vmadm_result_free(struct vmadm_result *r)
{
	json_decref(r->out);
	json_decref(r->notes);
	r->out = r->notes = NULL;
}

bool vmadm_valid_link(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VMADM_LINK_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* "KIND ID (ALSO)" for messages: a VM by uuid and alias, a NIC by
 * interface and mac; "(ALSO)" only where it is given. */
static const char *named(json_t *o, const char *kind, const char *id_key, const char *no_id,
			 const char *also_key, char *buf, size_t size)
{
	const char *id = json_string_value(json_object_get(o, id_key));
	const char *also = json_string_value(json_object_get(o, also_key));

	snprintf(buf, size, "%s %s%s%s%s", kind, id ? cli_q(id) : no_id, also ? " (" : "",
		 also ? cli_q(also) : "", also ? ")" : "");
	return buf;
}

static const char *vm_name(json_t *vm, char *buf, size_t size)
{
	return named(vm, "vm", "uuid", "(no uuid)", "alias", buf, size);
}

static const char *nic_name(json_t *nic, char *buf, size_t size)
{
	return named(nic, "nic", "interface", "?", "mac", buf, size);
}

/* "vm UUID (ALIAS) nic netN (MAC)", or without the vm for sdc:nics. */
static const char *where(json_t *vm, json_t *nic, char *buf, size_t size)
{
	char v[300], n[300];

	if (!vm)
		return nic_name(nic, buf, size);
	snprintf(buf, size, "%s %s", vm_name(vm, v, sizeof(v)), nic_name(nic, n, sizeof(n)));
	return buf;
}

static const char *type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "null";
	}
}

/* j as compact JSON, quoted for a message (cut after 64 bytes). */
static const char *shown(const json_t *j, char *buf, size_t size)
{
	char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

	snprintf(buf, size, "%s", s ? cli_q(s) : "?");
	free(s);
	return buf;
}

/* nic[key], when there, must be an array of strings: vmadm's shape. An
 * update replaces the whole array, so anything else there would be lost,
 * and an element we cannot read could not be kept as it is. */
static int check_list(json_t *vm, json_t *nic, const char *key, struct vmadm_result *r)
{
	char name[700], v[300];
	json_t *l = json_object_get(nic, key), *e;
	size_t i;

	if (!l)
		return 0;
	if (!json_is_array(l))
		return fail(r, EXIT_INPUT, "%s: %s is %s (%s), not an array of strings",
			    where(vm, nic, name, sizeof(name)), key, type_name(l),
			    shown(l, v, sizeof(v)));
	json_array_foreach(l, i, e)
	{
		if (!json_is_string(e))
			return fail(r, EXIT_INPUT, "%s: element %zu of %s is %s (%s), not a string",
				    where(vm, nic, name, sizeof(name)), i, key, type_name(e),
				    shown(e, v, sizeof(v)));
	}
	return 0;
}

/* An address (bare or /128) or a prefix from an ips/allowed_ips entry. */
static int entry_prefix(const char *s, struct sixplane_prefix *p)
{
	if (!strchr(s, '/')) {
		p->len = 128;
		return sixplane_addr_parse(s, strlen(s), 0, &p->addr, NULL);
	}
	return sixplane_prefix_parse(s, strlen(s), SIXPLANE_PREFIX_NORMALIZE, p, NULL);
}

static size_t array_size(json_t *a)
{
	return json_is_array(a) ? json_array_size(a) : 0;
}

/* ---- allowed-ips ---------------------------------------------------------------- */

static bool nic_selected(const struct vmadm_aip *o, json_t *nic, const struct sixplane_mac *mac)
{
	const char *ifname = json_string_value(json_object_get(nic, "interface"));

	if (!o->n_nics)
		return true;
	for (size_t i = 0; i < o->n_nics; i++) {
		struct sixplane_mac m;
		if (!sixplane_mac_parse(o->nics[i], strlen(o->nics[i]), &m, NULL)
			    ? !memcmp(&m, mac, sizeof(m))
			    : ifname && !strcmp(ifname, o->nics[i]))
			return true;
	}
	return false;
}

static bool vm_selected(const struct vmadm_aip *o, json_t *vm)
{
	const char *uuid = json_string_value(json_object_get(vm, "uuid"));

	if (!o->n_uuids)
		return true;
	for (size_t i = 0; i < o->n_uuids; i++)
		if (uuid && !strcasecmp(uuid, o->uuids[i]))
			return true;
	return false;
}

/* Whether allowed_ips already lets a through: the same address, or a
 * prefix entry that contains it. */
static bool covered(json_t *list, const struct sixplane_addr *a)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
	{
		struct sixplane_prefix p;
		const char *s = json_string_value(e);
		if (s && !entry_prefix(s, &p) && sixplane_prefix_contains(&p, a))
			return true;
	}
	return false;
}

/* The update_nics entry for one NIC, or NULL when it is up to date. */
static int nic_update(const struct vmadm_aip *o, json_t *vm, json_t *nic,
		      const struct sixplane_mac *mac, json_t **out, struct vmadm_result *r)
{
	char name[700], ms[SIXPLANE_MACSTRLEN];
	json_t *ips = json_object_get(nic, "ips");
	json_t *allowed = json_object_get(nic, "allowed_ips");
	size_t n_ips = array_size(ips), n_allowed = array_size(allowed);
	json_t *next;
	int ret;

	*out = NULL;
	if ((ret = check_list(vm, nic, "ips", r)) || (ret = check_list(vm, nic, "allowed_ips", r)))
		return ret;
	sixplane_mac_format(mac, ms);
	if (o->addrconf) {
		size_t i;
		json_t *e;
		json_array_foreach(ips, i, e)
		{
			if (!strcmp(json_string_value(e), "addrconf"))
				return 0;
		}
		if (n_ips + 1 > VMADM_MAX_IPS || n_ips + 1 + n_allowed > VMADM_MAX_ADDRS_PER_NIC)
			return fail(r, EXIT_INPUT,
				    "%s: adding addrconf would exceed vmadm's limits (%d ips, %d "
				    "addresses a NIC)",
				    where(vm, nic, name, sizeof(name)), VMADM_MAX_IPS,
				    VMADM_MAX_ADDRS_PER_NIC);
		next = ips ? json_copy(ips) : json_array();
		json_array_append_new(next, json_string("addrconf"));
		*out = json_pack("{s:s, s:o}", "mac", ms, "ips", next);
		return 0;
	}

	/* allowed_ips: existing entries kept as they are, ours appended */
	next = allowed ? json_copy(allowed) : json_array();
	struct sixplane_addr want[VMADM_MAX_PREFIXES + 1];
	size_t n_want = 0;
	if (o->link_local)
		want[n_want++] = sixplane_link_local(mac);
	for (size_t i = 0; i < o->n_prefixes; i++)
		sixplane_slaac(&o->prefixes[i], mac, &want[n_want++]);
	size_t added = 0;
	for (size_t i = 0; i < n_want; i++) {
		char a[SIXPLANE_ADDRSTRLEN];
		if (covered(next, &want[i]))
			continue;
		sixplane_addr_format(&want[i], a);
		json_array_append_new(next, json_string(a));
		added++;
	}
	if (!added) {
		json_decref(next);
		return 0;
	}
	size_t total = json_array_size(next);
	if (total > VMADM_MAX_ALLOWED_IPS || total + n_ips > VMADM_MAX_ADDRS_PER_NIC) {
		json_decref(next);
		return fail(r, EXIT_INPUT,
			    "%s: %zu allowed_ips (%zu ips) would exceed vmadm's limits of %d "
			    "allowed_ips and %d addresses a NIC",
			    where(vm, nic, name, sizeof(name)), total, n_ips, VMADM_MAX_ALLOWED_IPS,
			    VMADM_MAX_ADDRS_PER_NIC);
	}
	*out = json_pack("{s:s, s:o}", "mac", ms, "allowed_ips", next);
	return 0;
}

/* The payload for one VM ({"update_nics": [...]}) or NULL when up to date. */
static int vm_payload(const struct vmadm_aip *o, json_t *vm, json_t **out, struct vmadm_result *r)
{
	json_t *nics = json_object_get(vm, "nics"), *nic;
	char name[700];
	size_t i;
	int ret = 0;

	*out = NULL;
	if (nics && !json_is_array(nics))
		return fail(r, EXIT_INPUT, "%s: \"nics\" is %s, not an array",
			    vm_name(vm, name, sizeof(name)), type_name(nics));
	size_t n = json_array_size(nics);
	struct sixplane_mac *macs = calloc(n ? n : 1, sizeof(*macs));
	json_t *updates = json_array();
	if (!macs || !updates) {
		free(macs);
		json_decref(updates);
		return fail(r, EXIT_SYSTEM, "out of memory");
	}
	/* every NIC identified first: vmadm knows them by their mac alone */
	json_array_foreach(nics, i, nic)
	{
		const char *ms = json_string_value(json_object_get(nic, "mac"));

		if (!json_is_object(nic)) {
			ret = fail(r, EXIT_INPUT, "%s: element %zu of nics is %s, not an object",
				   vm_name(vm, name, sizeof(name)), i, type_name(nic));
			goto out;
		}
		if (!ms) {
			ret = fail(r, EXIT_INPUT, "%s: no mac (vmadm identifies NICs by it)",
				   where(vm, nic, name, sizeof(name)));
			goto out;
		}
		if (sixplane_mac_parse(ms, strlen(ms), &macs[i], NULL)) {
			ret = fail(r, EXIT_INPUT, "%s: invalid mac",
				   where(vm, nic, name, sizeof(name)));
			goto out;
		}
		for (size_t k = 0; k < i; k++) {
			if (!memcmp(&macs[k], &macs[i], sizeof(macs[i]))) {
				ret = fail(r, EXIT_INPUT,
					   "%s: the mac of element %zu of nics is that of element "
					   "%zu (vmadm identifies NICs by it)",
					   where(vm, nic, name, sizeof(name)), i, k);
				goto out;
			}
		}
	}
	json_array_foreach(nics, i, nic)
	{
		json_t *u;

		if (!nic_selected(o, nic, &macs[i]))
			continue;
		if (json_is_true(json_object_get(nic, "allow_ip_spoofing"))) {
			note(r,
			     "note: %s has allow_ip_spoofing on, so anti-spoofing is off: "
			     "nothing to do",
			     where(vm, nic, name, sizeof(name)));
			continue;
		}
		if ((ret = nic_update(o, vm, nic, &macs[i], &u, r)))
			goto out;
		if (u)
			json_array_append_new(updates, u);
	}
	if (json_array_size(updates))
		*out = json_pack("{s:O}", "update_nics", updates);
out:
	json_decref(updates);
	free(macs);
	return ret;
}

int vmadm_allowed_ips(const struct vmadm_aip *o, json_t *root, struct vmadm_result *r)
{
	json_t *vm, *payload;
	size_t i;
	int ret;

	start(r);
	if (json_is_object(root)) {
		if (!vm_selected(o, root))
			return fail(r, EXIT_INPUT, "the VM is not one of the --uuid given");
		return vm_payload(o, root, &r->out, r);
	}
	if (!json_is_array(root))
		return fail(r, EXIT_INPUT,
			    "expected a VM object (vmadm get) or an array of them (vmadm list -j)");
	/* every VM is checked before anything is printed: all payloads or none */
	r->out = json_array();
	json_array_foreach(root, i, vm)
	{
		if (!json_is_object(vm))
			return fail(r, EXIT_INPUT,
				    "element %zu of the array is %s, not a VM object", i,
				    type_name(vm));
		if (!vm_selected(o, vm))
			continue;
		if ((ret = vm_payload(o, vm, &payload, r)))
			return ret; /* its fail() dropped r->out: nothing to print */
		if (!payload) {
			r->current++;
			continue;
		}
		json_t *uuid = json_object_get(vm, "uuid");
		if (!json_is_string(uuid)) {
			json_decref(payload);
			return fail(r, EXIT_INPUT, "element %zu of the array has no uuid", i);
		}
		json_array_append_new(r->out,
				      json_pack("{s:O, s:o}", "uuid", uuid, "payload", payload));
	}
	return 0;
}

/* ---- static --------------------------------------------------------------- */

struct static_nic {
	const char *ifname;
	unsigned index;		    /* the next sp6sN */
	struct sixplane_addr *done; /* the addresses given a command */
	size_t n_done;
};

/* One command, unless the NIC has the address already: never two for one
 * address, whatever the count (vmadm allows 32 a NIC; sdc:nics is input). */
static void put_static(struct static_nic *s, const struct sixplane_addr *a, unsigned len,
		       struct vmadm_result *r)
{
	char as[SIXPLANE_ADDRSTRLEN], cmd[256], obj[64];

	for (size_t i = 0; i < s->n_done; i++)
		if (!memcmp(&s->done[i], a, sizeof(*a)))
			return;
	s->done[s->n_done++] = *a;
	sixplane_addr_format(a, as);
	snprintf(obj, sizeof(obj), "%s/sp6s%u", s->ifname, s->index++);
	snprintf(cmd, sizeof(cmd), "ipadm create-addr -t -T static -a local=%s/%u %s", as, len,
		 obj);
	json_array_append_new(r->out, json_pack("{s:s, s:s, s:i, s:s, s:s}", "interface", s->ifname,
						"address", as, "prefixlen", (int)len, "addrobj",
						obj, "command", cmd));
}

static int static_nic(unsigned prefixlen, json_t *nic, struct vmadm_result *r)
{
	const char *ms = json_string_value(json_object_get(nic, "mac"));
	json_t *ips = json_object_get(nic, "ips"), *allowed = json_object_get(nic, "allowed_ips");
	struct static_nic s = {.ifname = json_string_value(json_object_get(nic, "interface"))};
	struct sixplane_mac mac;
	bool have_mac = ms && !sixplane_mac_parse(ms, strlen(ms), &mac, NULL);
	char name[700];
	size_t i;
	json_t *e;
	int ret;

	if (!s.ifname)
		return fail(r, EXIT_INPUT, "nic %s has no interface", ms ? cli_q(ms) : "?");
	if (!vmadm_valid_link(s.ifname))
		return fail(r, EXIT_INPUT, "nic %s: invalid interface name '%s'",
			    ms ? cli_q(ms) : "?", cli_q(s.ifname));
	if ((ret = check_list(NULL, nic, "ips", r)) ||
	    (ret = check_list(NULL, nic, "allowed_ips", r)))
		return ret;
	s.done = calloc(array_size(ips) + array_size(allowed) + 1, sizeof(*s.done));
	if (!s.done)
		return fail(r, EXIT_SYSTEM, "out of memory");
	json_array_foreach(ips, i, e)
	{
		const char *str = json_string_value(e);
		struct sixplane_prefix p;
		const char *slash;
		if (!strchr(str, ':'))
			continue; /* "dhcp", "addrconf", IPv4 */
		if (!(slash = strchr(str, '/')) ||
		    sixplane_addr_parse(str, (size_t)(slash - str), 0, &p.addr, NULL) ||
		    sixplane_prefix_parse(str, strlen(str), SIXPLANE_PREFIX_NORMALIZE, &p, NULL)) {
			note(r, "warning: %s: ips entry '%s' is not an IPv6 CIDR address: skipped",
			     nic_name(nic, name, sizeof(name)), cli_q(str));
			continue;
		}
		/* the address as written: NORMALIZE cleared its host bits */
		sixplane_addr_parse(str, (size_t)(slash - str), 0, &p.addr, NULL);
		put_static(&s, &p.addr, p.len, r);
	}
	json_array_foreach(allowed, i, e)
	{
		const char *str = json_string_value(e);
		struct sixplane_prefix p;
		struct sixplane_mac m;
		if (!strchr(str, ':') || entry_prefix(str, &p) || p.len != 128)
			continue; /* IPv4, or a range rather than an address */
		if (p.addr.b[0] == 0xfe && (p.addr.b[1] & 0xc0) == 0x80)
			continue; /* link-local: the kernel has it */
		/* the NIC's own SLAAC address: addrconf assigns it */
		if (have_mac && !sixplane_eui64_mac(&p.addr, &m) && !memcmp(&m, &mac, sizeof(m)))
			continue;
		put_static(&s, &p.addr, prefixlen, r);
	}
	free(s.done);
	return 0;
}

int vmadm_static(json_t *root, unsigned prefixlen, struct vmadm_result *r)
{
	json_t *nics = json_is_object(root) ? json_object_get(root, "nics") : root, *nic;
	size_t i;
	int ret;

	start(r);
	if (!json_is_array(nics))
		return fail(r, EXIT_INPUT, "expected the sdc:nics array (mdata-get sdc:nics)");
	json_array_foreach(nics, i, nic)
	{
		if (!json_is_object(nic))
			return fail(r, EXIT_INPUT,
				    "element %zu of the nics array is %s, not an object", i,
				    type_name(nic));
	}
	r->out = json_array();
	json_array_foreach(nics, i, nic)
	{
		const char *ifname = json_string_value(json_object_get(nic, "interface"));
		size_t k;
		json_t *other;

		if ((ret = static_nic(prefixlen, nic, r)))
			return ret;
		/* two NICs on one interface would get the same address objects */
		json_array_foreach(nics, k, other)
		{
			const char *o = json_string_value(json_object_get(other, "interface"));
			if (k >= i)
				break;
			if (o && !strcmp(o, ifname))
				return fail(r, EXIT_INPUT,
					    "elements %zu and %zu of the nics array both have "
					    "interface '%s'",
					    k, i, cli_q(ifname));
		}
	}
	return 0;
}

/* ---- routes --------------------------------------------------------------- */

/* Why a gateway of sdc:nics cannot be the next hop of a default route, or
 * NULL. A link-local router needs its interface named (route -ifp) and is
 * what router advertisements give anyway (RFC 4861 section 6.3.4). */
static const char *gateway_unusable(const struct sixplane_addr *a)
{
	static const uint8_t zero[16];

	if (!memcmp(a->b, zero, 15) && (a->b[15] == 0 || a->b[15] == 1))
		return "the unspecified or loopback address";
	if (a->b[0] == 0xff)
		return "a multicast address";
	if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80)
		return "link-local (router advertisements give that route)";
	if (!memcmp(a->b, zero, 10) && a->b[10] == 0xff && a->b[11] == 0xff)
		return "an IPv4-mapped address";
	return NULL;
}

struct routes {
	struct sixplane_addr *done; /* the gateways given a command */
	size_t n_done;
};

static void put_route(struct routes *s, json_t *nic, const char *str, struct vmadm_result *r)
{
	char as[SIXPLANE_ADDRSTRLEN], cmd[128], name[700];
	struct sixplane_addr a;
	const char *why;

	if (!strchr(str, ':'))
		return; /* IPv4: vmadm's own default route */
	if (sixplane_addr_parse(str, strlen(str), 0, &a, NULL)) {
		note(r, "warning: %s: gateway '%s' is not an IPv6 address: skipped",
		     nic_name(nic, name, sizeof(name)), cli_q(str));
		return;
	}
	if ((why = gateway_unusable(&a))) {
		note(r, "warning: %s: gateway '%s' is %s: skipped",
		     nic_name(nic, name, sizeof(name)), cli_q(str), why);
		return;
	}
	for (size_t i = 0; i < s->n_done; i++)
		if (!memcmp(&s->done[i], &a, sizeof(a)))
			return;
	s->done[s->n_done++] = a;
	sixplane_addr_format(&a, as);
	snprintf(cmd, sizeof(cmd), "route -p add -inet6 default %s", as);
	json_array_append_new(r->out,
			      json_pack("{s:s?, s:s, s:s}", "interface",
					json_string_value(json_object_get(nic, "interface")),
					"gateway", as, "command", cmd));
}

int vmadm_routes(json_t *root, struct vmadm_result *r)
{
	json_t *nics = json_is_object(root) ? json_object_get(root, "nics") : root, *nic, *e;
	struct routes s = {0};
	char name[700], v[300];
	size_t i, k, n = 0;
	int ret;

	start(r);
	if (!json_is_array(nics))
		return fail(r, EXIT_INPUT, "expected the sdc:nics array (mdata-get sdc:nics)");
	json_array_foreach(nics, i, nic)
	{
		json_t *gw;
		if (!json_is_object(nic))
			return fail(r, EXIT_INPUT,
				    "element %zu of the nics array is %s, not an object", i,
				    type_name(nic));
		gw = json_object_get(nic, "gateway");
		if (gw && !json_is_string(gw))
			return fail(r, EXIT_INPUT, "%s: gateway is %s (%s), not a string",
				    nic_name(nic, name, sizeof(name)), type_name(gw),
				    shown(gw, v, sizeof(v)));
		if ((ret = check_list(NULL, nic, "gateways", r)))
			return ret;
		n += 1 + array_size(json_object_get(nic, "gateways"));
	}
	s.done = calloc(n + 1, sizeof(*s.done));
	if (!s.done)
		return fail(r, EXIT_SYSTEM, "out of memory");
	r->out = json_array();
	json_array_foreach(nics, i, nic)
	{
		json_t *gw = json_object_get(nic, "gateway");
		/* gateways is the list; gateway, the older single field, is
		 * usually its first element and then adds nothing */
		json_array_foreach(json_object_get(nic, "gateways"), k, e)
			put_route(&s, nic, json_string_value(e), r);
		if (gw)
			put_route(&s, nic, json_string_value(gw), r);
	}
	free(s.done);
	return 0;
}
