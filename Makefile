# The front door. CMake does the real build; these targets are what people type.
#   make            build into build/
#   make test       install missing deps, build, run every test (also under ASan+UBSan
#                   and short fuzz runs)
#   make demo       install missing deps, build, run three hosts with two containers
#                   each on a backplane in network namespaces (root) and check it;
#                   then six hosts that learn each other from a 3-member etcd
#   make tour       the calculator, walked through a worked example
#   make bench      benchmarks against the peers, one table
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        the Debian packages, in build-deb/ (see the target)
#   make fuzz       longer fuzz runs (FUZZ_SECONDS=60 each)
#   make mutate     one-line mutations of the code (tests/mutations.txt), each in a
#                   scratch copy, against the fast tests: prints the survivors

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
SAN_BUILD ?= build-san
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# tests at once: one more than the CPUs, as most wait on daemons, packets
# and timers rather than compute (those that must run alone are RUN_SERIAL)
TEST_JOBS ?= $(shell echo $$(( $(JOBS) + 1 )))
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

NODAEMON_BUILD ?= build-nodaemon

.PHONY: all build deps test test-main test-vm test-san test-nodaemon demo tour bench install fuzz mutate format clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps
	$(MAKE) test-main
	$(MAKE) test-san
	$(MAKE) test-nodaemon

# vm: a kernel of /boot booted under qemu (the WireGuard module's suite where
# the running kernel has none): minutes, so `make test-vm` runs it
test-main: build
	cd $(BUILD) && ctest --output-on-failure -j $(TEST_JOBS) -LE vm

test-vm: build
	cd $(BUILD) && ctest --output-on-failure -L vm

# The unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer, the
# libFuzzer targets (built with clang) for a short run each, and sixplaned
# itself under both in six namespace tests.
test-san:
	CC=clang cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSIXPLANE_SANITIZE=ON \
		-DSIXPLANE_FUZZ=ON -DSIXPLANE_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ctest --output-on-failure -j $(TEST_JOBS) -L 'unit|fuzz'
	# and the daemon itself under them, in namespaces, through start, reloads
	# (refused and accepted), rollbacks and exits: a leak or an overrun ends
	# its exit status, which these tests check (two at a time, as the main
	# run takes them: each has namespaces of its own); the matrix's key-by-key
	# parser refusals are left to fuzz_config there
	cd $(SAN_BUILD) && MATRIX_PARSE=0 ctest --output-on-failure -j $(JOBS) -L netns \
		-R '^(netns_resolver|netns_reload|netns_late|netns_guard|netns_site_routes|spine_agree|spine_matrix_netlink)$$'

# The portable configuration (what builds on illumos): library and CLI only,
# and the address text without SIMD kernels (the portable code alone).
test-nodaemon:
	cmake -S . -B $(NODAEMON_BUILD) -DSIXPLANE_DAEMON=OFF -DSIXPLANE_BENCH=OFF -DSIXPLANE_SIMD=OFF \
		$(CMAKE_FLAGS)
	cmake --build $(NODAEMON_BUILD) -j $(JOBS)
	cd $(NODAEMON_BUILD) && ctest --output-on-failure -j $(JOBS) -L 'unit|cli|install'

demo: deps build
	scripts/demo.sh $(BUILD)/sixplaned $(BUILD)/sixplane
	scripts/demo_wireguard.sh $(BUILD)/sixplaned $(BUILD)/sixplane
	scripts/demo_etcd.sh $(BUILD)/sixplaned $(BUILD)/sixplane

tour: build
	scripts/tour.sh $(BUILD)/sixplane

bench: build
	@scripts/deps.sh --bench
	bench/run $(BUILD)

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

fuzz: deps
	CC=clang cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSIXPLANE_SANITIZE=ON \
		-DSIXPLANE_FUZZ=ON -DSIXPLANE_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	tests/fuzz/run $(SAN_BUILD) $(FUZZ_SECONDS)

# Never touches this checkout or its build directories: scripts/mutate copies
# the tree to /tmp and builds there.
mutate:
	scripts/mutate

format:
	clang-format -i include/*.h lib/*.c lib/*.h cli/*.c cli/*.h common/*.c common/*.h daemon/*.c daemon/*.h bpf/*.c bpf/*.h \
		tests/*/*.c tests/*/*.h bench/*/*.c

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(NODAEMON_BUILD)

# make deb: the Debian packages sixplane, libsixplane0 and libsixplane-dev
# (debian/), built by dpkg-buildpackage -us -uc -b from the committed tree
# (git archive HEAD: what a clean clone builds, whatever is being edited;
# commit first) in $(DEB_BUILD)/src, so the checkout is never written to.
# Outside a git checkout (a release tarball) the tree as it is. The .debs,
# .buildinfo and .changes land in $(DEB_BUILD)/ (dpkg-buildpackage's parent
# folder), then lintian checks them and fails on an error. What is missing
# to build is named by dpkg-checkbuilddeps; `apt-get build-dep ./` installs it.
DEB_BUILD ?= build-deb
.PHONY: deb
deb:
	rm -rf $(DEB_BUILD)/src $(DEB_BUILD)/*.deb $(DEB_BUILD)/*.buildinfo $(DEB_BUILD)/*.changes
	mkdir -p $(DEB_BUILD)/src
	if git rev-parse --verify -q HEAD >/dev/null 2>&1; then \
		git archive --format=tar HEAD | tar -xf - -C $(DEB_BUILD)/src; \
	else \
		tar --exclude='./build*' -cf - . | tar -xf - -C $(DEB_BUILD)/src; \
	fi
	cd $(DEB_BUILD)/src && dpkg-buildpackage -us -uc -b -j$(JOBS)
	lintian --fail-on error --info $(DEB_BUILD)/sixplane_*.changes
