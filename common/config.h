/* SPDX-License-Identifier: MIT */
/* sixplaned's configuration: parsed completely, checked, then used whole. */
#ifndef SIXPLANED_CONFIG_H
#define SIXPLANED_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pool.h"
#include "sixplane.h"

enum sp_solicit {
	SP_SOLICIT_ALL,		  /* kernel NS still sent for non-emulated neighbors */
	SP_SOLICIT_EMULATED_ONLY, /* mcast_solicit=0 ucast_solicit=0: nothing on the wire */
};

/* Which data path answers NDP on an interface. */
enum sp_dataplane {
	SP_DATAPLANE_AUTO,    /* tc where the kernel and the build allow it, else the others */
	SP_DATAPLANE_TC,      /* the tc eBPF programs, in the kernel */
	SP_DATAPLANE_NETLINK, /* the app_solicit resolver (+ AF_PACKET for what arrives) */
	SP_DATAPLANE_PACKET,  /* AF_PACKET only */
};
const char *sp_dataplane_name(enum sp_dataplane d);

/* Where a backplane's peers come from (doc/membership.md). */
enum sp_membership {
	SP_MEMBERSHIP_STATIC, /* the [Peer] sections only (default) */
	SP_MEMBERSHIP_ETCD,   /* the [Etcd] store, and the [Peer] sections beside it */
};

/* Every key of the file, declared once: section, name, and the kind of
 * value (the parser; config.c's table adds the field and the default).
 * The key's id indexes the lines[] of its section, where the line that set
 * it is kept for the messages of rules across keys (plan.c). */
#define SP_CONFIG_KEYS(X)                                                                          \
	X(NETWORK, Id)                                                                             \
	X(NETWORK, Node)                                                                           \
	X(NETWORK, NodeFrom)                                                                       \
	X(NETWORK, Interface)                                                                      \
	X(NETWORK, Addressing)                                                                     \
	X(NETWORK, Solicit)                                                                        \
	X(NETWORK, Dataplane)                                                                      \
	X(NETWORK, Transport)                                                                      \
	X(NETWORK, Underlay)                                                                       \
	X(NETWORK, Port)                                                                           \
	X(NETWORK, PrivateKeyFile)                                                                 \
	X(NETWORK, Keepalive)                                                                      \
	X(NETWORK, Vni)                                                                            \
	X(NETWORK, Mtu)                                                                            \
	X(NETWORK, Multicast)                                                                      \
	X(NETWORK, Persist)                                                                        \
	X(NETWORK, Membership)                                                                     \
	X(NETWORK, Guard)                                                                          \
	X(NETWORK, AllowedSources)                                                                 \
	X(PEER, Node)                                                                              \
	X(PEER, Endpoint)                                                                          \
	X(PEER, AllowedSources)                                                                    \
	X(PEER, PublicKey)                                                                         \
	X(PEER, Keepalive)                                                                         \
	X(SITE, Interface)                                                                         \
	X(SITE, Pool)                                                                              \
	X(PROXY, Interface)                                                                        \
	X(PROXY, Prefix)                                                                           \
	X(PROXY, Answer)                                                                           \
	X(PROXY, Dataplane)                                                                        \
	X(ETCD, Endpoints)                                                                         \
	X(ETCD, Prefix)                                                                            \
	X(ETCD, Lease)                                                                             \
	X(ETCD, CA)                                                                                \
	X(ETCD, Cert)                                                                              \
	X(ETCD, Key)                                                                               \
	X(ETCD, User)                                                                              \
	X(ETCD, PasswordFile)

enum sp_config_key {
#define SP_KEY_ID(sec, name) SP_KEY_##sec##_##name,
	SP_CONFIG_KEYS(SP_KEY_ID)
#undef SP_KEY_ID
		SP_N_KEYS
};

/* An IPv4 or IPv6 underlay address. */
struct sp_endpoint {
	int family; /* AF_INET or AF_INET6; 0: none */
	uint8_t addr[16];
};

/* How a backplane's frames cross the underlay (doc/fabric.md,
 * doc/wireguard.md). */
enum sp_transport {
	SP_TRANSPORT_VXLAN,	/* the kernel's VXLAN: a flat layer 2 (default) */
	SP_TRANSPORT_WIREGUARD, /* WireGuard: layer 3, encrypted, routed by key */
};

/* A WireGuard key (Curve25519), raw. */
#define SP_WG_KEY_LEN 32

/* AllowedSources (doc/guard.md): prefixes a host sends from besides its
 * own, a gateway's routed ones; never inside the network's own plane. */
struct sp_sources {
	struct sixplane_prefix *v;
	size_t n;
};
/* AllowedSources per section, at most */
#define SP_SOURCES_MAX 64

struct sp_peer {
	uint64_t node;
	struct sp_endpoint endpoint;	   /* family 0: none (WireGuard: learned when it speaks) */
	uint16_t endpoint_port;		   /* WireGuard: Endpoint's port, 0: the network's Port */
	uint8_t public_key[SP_WG_KEY_LEN]; /* WireGuard: PublicKey */
	uint16_t keepalive;		   /* WireGuard: Keepalive seconds, 0: off */
	struct sp_sources allowed;
	int line;
	int lines[SP_N_KEYS]; /* where each key was given; 0: not given */
};

/* A [Site] (doc/site.md): a LAN behind this host whose hosts take
 * addresses of this host's 6PLANE /80 from a DHCPv6 server and a route to
 * the /40 from router advertisements; sixplaned routes the /80, or Pool
 * alone, to Interface and forwards. */
struct sp_site {
	char ifname[IF_NAMESIZE];
	bool has_pool;	     /* Pool given: only it is routed to the LAN */
	struct sp_pool pool; /* inside the network's /80, without its ::0 and ::1 */
	int line;
	int lines[SP_N_KEYS];
};

struct sp_network {
	uint64_t nwid;
	uint64_t node;
	char ifname[IF_NAMESIZE];
	bool sixplane;
	bool rfc4193;
	enum sp_solicit solicit;
	enum sp_dataplane dataplane;
	/* the backplane (doc/fabric.md): with an Underlay, sixplaned creates
	 * Interface as VXLAN; without one, the interface must exist */
	struct sp_endpoint underlay;
	uint16_t port;	       /* default 4789 */
	uint32_t vni;	       /* default sp_default_vni(nwid) */
	uint16_t mtu;	       /* 0: underlay MTU minus the encapsulation */
	bool multicast;	       /* head-end replication to every peer; default on */
	bool persist;	       /* leave the fabric in place on exit */
	struct sp_peer *peers; /* the [Peer] sections after this [Network] */
	size_t n_peers;
	struct sp_site *sites; /* the [Site] sections after this [Network] */
	size_t n_sites;
	enum sp_membership membership;
	enum sp_transport transport;
	/* WireGuard: this host's private key, made (0600) on first start */
	char private_key_file[PATH_MAX];
	uint16_t keepalive; /* WireGuard: every peer's without its own, 0: off */
	/* the fabric guard (doc/guard.md): on by default with an Underlay,
	 * and only with one */
	bool guard;
	struct sp_sources allowed; /* this host's own egress may use them */
	int line;		   /* where the section starts, for messages */
	int lines[SP_N_KEYS];
};

/* Whether n is a backplane sixplaned makes: VXLAN with an Underlay, or
 * WireGuard (whose Underlay is optional: a host behind NAT has none). */
static inline bool sp_network_fabric(const struct sp_network *n)
{
	return n->underlay.family != 0 || n->transport == SP_TRANSPORT_WIREGUARD;
}

/* The part of n's /80 that site x takes, the part routed to its LAN: its
 * Pool, or the whole /80. */
struct sp_pool sp_site_part(const struct sp_network *n, const struct sp_site *x);

/* The VNI when none is configured: the 64-bit id folded to 24 bits, the
 * same on every host of the network. */
uint32_t sp_default_vni(uint64_t nwid);

struct sp_proxy {
	char ifname[IF_NAMESIZE];
	struct sixplane_nd_proxy *rules; /* one per Prefix, all with the section's Answer */
	size_t n_rules;
	enum sixplane_nd_answer_mode answer;
	enum sp_dataplane dataplane; /* auto, tc or packet */
	/* set by the daemon, not read from the file: the tc program answers
	 * the static rules, the responder only the auto ones */
	bool kernel_static;
	int line;
	int lines[SP_N_KEYS];
};

/* The [Etcd] section: the store of Membership = etcd (one per file).
 * The parser checks each key and the section on its own (Cert with Key,
 * User with PasswordFile, TLS files only with https:// endpoints); whether
 * a network uses it is the plan's. The files are checked when the file is
 * read, not kept open: the client opens them again when it connects. */
struct sp_etcd {
	char (*endpoints)[256]; /* URLs, http:// or https://, in the file's order */
	size_t n_endpoints;
	char prefix[256];    /* default "/sixplane" */
	uint32_t lease;	     /* seconds, default 15, 5..300 */
	char ca[PATH_MAX];   /* TLS: the CA bundle, "" for the system's */
	char cert[PATH_MAX]; /* TLS client certificate and key, "" for none */
	char key[PATH_MAX];
	char user[128];		      /* password auth: the etcd user, "" for none */
	char password_file[PATH_MAX]; /* its password (first line); not world-readable */
	int line;
	int lines[SP_N_KEYS];
};

struct sp_config {
	char path[PATH_MAX];
	struct sp_network *networks;
	size_t n_networks;
	struct sp_proxy *proxies;
	size_t n_proxies;
	bool has_etcd; /* an [Etcd] section was given */
	struct sp_etcd etcd;
	int last_line; /* the file's last line, for messages about the whole */
};

/* The rules between sites, which the CLI (sixplane site -c) and the plan
 * both apply: a LAN is one site's and no network's interface; a network's
 * sites take parts of its /80 that do not overlap. 0, or -EINVAL with err
 * saying "FILE:LINE: ...". */
int sp_config_check_sites(const struct sp_config *c, char *err, size_t errlen);

/* The name of a key ("Vni"), from the table. */
const char *sp_config_key_name(enum sp_config_key k);
/* Every key of every section with its value in effect, defaults included,
 * one "Key = value" a line under its "[Section]" (what -t shows). */
void sp_config_dump(const struct sp_config *c, FILE *out);

/* Parse path: a regular file of text (no NUL, no byte order mark), every
 * value checked on its own and every section complete; the rules across
 * keys and sections are the plan's (daemon/plan.c). On error returns a
 * negative errno (-EINVAL: the file's content), leaves *out untouched and
 * writes "FILE:LINE: what 'value': why" to err. */
int sp_config_load(const char *path, struct sp_config *out, char *err, size_t errlen);
void sp_config_free(struct sp_config *c);

#endif
