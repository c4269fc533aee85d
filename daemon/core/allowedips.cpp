#include "daemon/core/allowedips.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace tulle::core {

namespace allowedips_detail {

// An address and prefix length, with the address left-aligned in 128 bits (an IPv4 address in
// the top 32 bits of hi) and its host bits zero.
struct Key {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    unsigned cidr = 0;
    bool v6 = false;
};

// The nodes on the way from a root to the node of one prefix, and the step taken into each. An
// IPv6 /128 lies 21 steps below its root.
struct Trail {
    std::array<Node*, 22> nodes{};
    std::array<unsigned, 22> steps{};
    unsigned depth = 0;
};

}  // namespace allowedips_detail

namespace {

using allowedips_detail::Key;
using allowedips_detail::Node;
using allowedips_detail::Result;

constexpr unsigned kStride = 6;
constexpr unsigned kStepShift = 64 - kStride;
constexpr unsigned kMaxSkip = 10;  // steps a node can skip: 60 bits, under a 4-bit count
constexpr unsigned kSkipCountShift = 60;
constexpr std::uint64_t kSkipBitsMask = (std::uint64_t{1} << kSkipCountShift) - 1;

static_assert(sizeof(Node) == 32 && sizeof(Result) == 16);
static_assert(sizeof(Result) % alignof(Node) == 0, "children follow results in one block");
static_assert(kMaxSkip * kStride <= kSkipCountShift && kMaxSkip < 16);

constexpr std::uint64_t bit(unsigned i) {
    return std::uint64_t{1} << i;
}

// Set-bit counts. x86-64 processors have had a popcount instruction since about 2008, but the
// baseline target (-march=x86-64) lacks it, and there g++ turns std::popcount into a call to a
// table-driven libgcc routine. So the lookup is compiled twice on such targets: once for POPCNT,
// chosen at run time when the processor has it, and once with the inline bit-slicing sum below.
struct SlicedPopcount {
    static unsigned count(std::uint64_t x) {
        x -= (x >> 1U) & 0x5555555555555555U;
        x = (x & 0x3333333333333333U) + ((x >> 2U) & 0x3333333333333333U);
        x = (x + (x >> 4U)) & 0x0F0F0F0F0F0F0F0FU;
        return static_cast<unsigned>((x * 0x0101010101010101U) >> 56U);
    }
};
struct NativePopcount {
    // Inlined into functions built for POPCNT, this is the instruction.
    [[gnu::always_inline]] static unsigned count(std::uint64_t x) {
        return static_cast<unsigned>(std::popcount(x));
    }
};
#if defined(__x86_64__) && !defined(__POPCNT__)
using DefaultPopcount = SlicedPopcount;
#else
using DefaultPopcount = NativePopcount;
#endif

inline unsigned popcount(std::uint64_t x) {
    return DefaultPopcount::count(x);
}

// The number of set bits of `bits` below bit i: the index of entry i in a node's block.
inline unsigned rank(std::uint64_t bits, unsigned i) {
    return popcount(bits & (bit(i) - 1));
}

// The internal-bitmap position of the prefix of relative length `length` (0..5) whose bits are
// the top bits of `hi`: prefixes of each length follow all shorter ones, so of two positions
// that match one address the higher is the longer prefix.
inline unsigned position(unsigned length, std::uint64_t hi) {
    return length == 0 ? 0 : (1U << length) - 1 + static_cast<unsigned>(hi >> (64 - length));
}

// For each 6-bit step, the internal positions of the six prefixes (lengths 0..5) containing it.
constexpr std::array<std::uint64_t, 64> make_match_masks() {
    std::array<std::uint64_t, 64> masks{};
    for (unsigned step = 0; step < 64; ++step) {
        for (unsigned length = 0; length < kStride; ++length) {
            masks[step] |= bit((1U << length) - 1 + (step >> (kStride - length)));
        }
    }
    return masks;
}
constexpr std::array<std::uint64_t, 64> kMatchMasks = make_match_masks();

// Shifts the 128-bit address hi:lo left by n bits, 0 < n < 64.
inline void advance(std::uint64_t& hi, std::uint64_t& lo, unsigned n) {
    hi = (hi << n) | (lo >> (64 - n));
    lo <<= n;
}

constexpr unsigned skip_steps(std::uint64_t skip) {
    return static_cast<unsigned>(skip >> kSkipCountShift);
}
constexpr std::uint64_t skip_bits(std::uint64_t skip) {
    return skip & kSkipBitsMask;
}
constexpr std::uint64_t make_skip(unsigned steps, std::uint64_t bits) {
    return (std::uint64_t{steps} << kSkipCountShift) | bits;
}

// Result i of the block whose children start at `children`.
inline Result* result_at(Node* children, unsigned i) {
    return reinterpret_cast<Result*>(children) - 1 - i;
}
inline const Result* result_at(const Node* children, unsigned i) {
    return reinterpret_cast<const Result*>(children) - 1 - i;
}

constexpr std::size_t result_bytes(unsigned n) {
    return std::size_t{n} * sizeof(Result);
}
constexpr std::size_t block_size(unsigned results, unsigned children) {
    return result_bytes(results) + std::size_t{children} * sizeof(Node);
}

// The big-endian 64- and 32-bit numbers at `bytes`, as single loads.
std::uint64_t load_be64(const std::uint8_t* bytes) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes, sizeof(value));
    return std::endian::native == std::endian::big ? value : __builtin_bswap64(value);
}
std::uint64_t load_be32(const std::uint8_t* bytes) {
    std::uint32_t value = 0;
    std::memcpy(&value, bytes, sizeof(value));
    return std::endian::native == std::endian::big ? value : __builtin_bswap32(value);
}

void store_be(std::uint64_t value, std::uint8_t* bytes, std::size_t n) {
    for (std::size_t i = n; i-- > 0;) {
        bytes[i] = static_cast<std::uint8_t>(value);
        value >>= 8U;
    }
}

// The mask of the first `bits` bits of a 64-bit word, 0 <= bits (any larger value means all).
constexpr std::uint64_t leading_mask(unsigned bits) {
    if (bits == 0) {
        return 0;
    }
    return bits >= 64 ? ~std::uint64_t{0} : ~std::uint64_t{0} << (64 - bits);
}

Key make_key_unchecked(const std::uint8_t* bytes, bool v6, unsigned cidr) {
    Key key;
    key.v6 = v6;
    key.cidr = cidr;
    if (v6) {
        key.hi = load_be64(bytes) & leading_mask(cidr);
        key.lo = load_be64(bytes + 8) & leading_mask(cidr > 64 ? cidr - 64 : 0);
    } else {
        key.hi = (load_be32(bytes) << 32U) & leading_mask(cidr);
    }
    return key;
}

Key make_key(std::span<const std::uint8_t> addr, std::uint8_t cidr) {
    if (addr.size() != 4 && addr.size() != 16) {
        throw std::invalid_argument("allowed IP: an address has 4 or 16 bytes");
    }
    const bool v6 = addr.size() == 16;
    if (cidr > (v6 ? 128 : 32)) {
        throw std::invalid_argument("allowed IP: prefix length too long for the address family");
    }
    return make_key_unchecked(addr.data(), v6, cidr);
}

Key key_of(const value::IpPrefix& prefix) {
    return make_key_unchecked(prefix.address().bytes().data(), prefix.address().is_v6(),
                              static_cast<unsigned>(prefix.length()));
}

value::IpPrefix prefix_of(const Key& key) {
    std::array<std::uint8_t, 16> bytes{};
    store_be(key.hi, bytes.data(), 8);
    store_be(key.lo, bytes.data() + 8, 8);
    const value::IpAddress address =
        key.v6 ? value::IpAddress::v6(bytes)
               : value::IpAddress::v4({bytes[0], bytes[1], bytes[2], bytes[3]});
    return value::IpPrefix::make(address, static_cast<int>(key.cidr)).value();
}

}  // namespace

AllowedIpsTable::~AllowedIpsTable() {
    free_subtree(roots_[0]);
    free_subtree(roots_[1]);
}

AllowedIpsTable::AllowedIpsTable(AllowedIpsTable&& other) noexcept
    : roots_(std::exchange(other.roots_, {})),
      index_(std::move(other.index_)),
      size_(std::exchange(other.size_, 0)),
      block_bytes_(std::exchange(other.block_bytes_, 0)),
      native_popcount_(other.native_popcount_) {
    other.index_.clear();
}

AllowedIpsTable& AllowedIpsTable::operator=(AllowedIpsTable&& other) noexcept {
    if (this != &other) {
        clear();
        roots_ = std::exchange(other.roots_, {});
        index_ = std::move(other.index_);
        other.index_.clear();
        size_ = std::exchange(other.size_, 0);
        block_bytes_ = std::exchange(other.block_bytes_, 0);
        native_popcount_ = other.native_popcount_;
    }
    return *this;
}

void AllowedIpsTable::insert(std::span<const std::uint8_t> addr, std::uint8_t cidr,
                             const void* value) {
    const Key key = make_key(addr, cidr);
    if (value == nullptr) {
        throw std::invalid_argument("allowed IP: the owner must not be null");
    }
    unsigned pos = 0;
    Node& node = reach(key, pos);
    const bool present = (node.internal & bit(pos)) != 0;
    if (present && result_at(node.children, rank(node.internal, pos))->value == value) {
        return;
    }

    // Record the prefix under its new owner first; undone if the trie cannot take it.
    const auto entry = index_.try_emplace(value).first;
    std::vector<value::IpPrefix>& owned = entry->second;
    bool recorded = false;
    try {
        owned.push_back(prefix_of(key));
        recorded = true;
        if (!present) {
            rebuild(node, node.internal | bit(pos), node.external);
        }
    } catch (...) {
        if (recorded) {
            owned.pop_back();
        }
        if (owned.empty()) {
            index_.erase(entry);
        }
        throw;
    }

    Result& result = *result_at(node.children, rank(node.internal, pos));
    if (present) {
        drop_from_index(result.value, result.owner_slot);
    } else {
        ++size_;
    }
    result.value = value;
    result.owner_slot = static_cast<std::uint32_t>(owned.size() - 1);
}

bool AllowedIpsTable::remove(std::span<const std::uint8_t> addr, std::uint8_t cidr,
                             const void* value) {
    const Key key = make_key(addr, cidr);
    return value != nullptr && erase(key, value, true);
}

std::size_t AllowedIpsTable::remove_by_value(const void* value) {
    const auto it = index_.find(value);
    if (it == index_.end()) {
        return 0;
    }
    // From the back, so that the index stays exact should an allocation fail half-way.
    std::vector<value::IpPrefix>& owned = it->second;
    const std::size_t count = owned.size();
    while (!owned.empty()) {
        erase(key_of(owned.back()), value, false);
        owned.pop_back();
    }
    index_.erase(it);
    return count;
}

namespace {

// The longest-prefix match below `root` for the address hi:lo (IPv4: hi only, lo unused).
template <bool kV6, typename Popcount>
[[gnu::always_inline]] inline const void* walk(const Node* node, std::uint64_t hi,
                                               std::uint64_t lo) {
    const auto shift = [&](unsigned n) {
        if constexpr (kV6) {
            advance(hi, lo, n);
        } else {
            hi <<= n;
        }
    };
    // The best match so far, as the block and internal bits of its node below its position;
    // the rank is counted, and the result read, only once, at the end.
    const Node* best_children = nullptr;
    std::uint64_t best_below = 0;
    for (;;) {
        const auto step = static_cast<unsigned>(hi >> kStepShift);
        const std::uint64_t internal = node->internal;
        const std::uint64_t matches = internal & kMatchMasks[step];
        // matches | 1 keeps the count defined; the values are not used when matches == 0.
        const auto longest = static_cast<unsigned>(63 - std::countl_zero(matches | 1U));
        const Node* const children = node->children;
        best_children = matches != 0 ? children : best_children;
        best_below = matches != 0 ? internal & (bit(longest) - 1) : best_below;

        const std::uint64_t external = node->external;
        if ((external & bit(step)) == 0) {
            break;
        }
        node = children + Popcount::count(external & (bit(step) - 1));
        shift(kStride);
        if (const std::uint64_t skip = node->skip; skip != 0) {
            const unsigned skipped = kStride * skip_steps(skip);
            if ((hi >> (64 - skipped)) != skip_bits(skip)) {
                break;
            }
            shift(skipped);
        }
    }
    if (best_children == nullptr) {
        return nullptr;
    }
    return result_at(best_children, Popcount::count(best_below))->value;
}

// The walks as separate functions, so that lookup() is only a dispatch to one of them.
const void* walk_v4(const Node* root, std::uint64_t hi) {
    return walk<false, DefaultPopcount>(root, hi, 0);
}
const void* walk_v6(const Node* root, std::uint64_t hi, std::uint64_t lo) {
    return walk<true, DefaultPopcount>(root, hi, lo);
}
#if defined(__x86_64__)
[[gnu::target("popcnt")]] const void* walk_v4_popcnt(const Node* root, std::uint64_t hi) {
    return walk<false, NativePopcount>(root, hi, 0);
}
[[gnu::target("popcnt")]] const void* walk_v6_popcnt(const Node* root, std::uint64_t hi,
                                                     std::uint64_t lo) {
    return walk<true, NativePopcount>(root, hi, lo);
}
#endif

// Whether lookups should take the walks built for POPCNT: only where they differ from the
// default ones and the processor has the instruction.
bool use_native_popcount() {
#if defined(__x86_64__) && !defined(__POPCNT__)
    return __builtin_cpu_supports("popcnt") != 0;
#else
    return false;
#endif
}

}  // namespace

AllowedIpsTable::AllowedIpsTable() noexcept : native_popcount_(use_native_popcount()) {}

const void* AllowedIpsTable::lookup(std::span<const std::uint8_t> addr) const noexcept {
    if (addr.size() == 4) {
        const std::uint64_t hi = load_be32(addr.data()) << 32U;
#if defined(__x86_64__)
        if (native_popcount_) {
            return walk_v4_popcnt(&roots_[0], hi);
        }
#endif
        return walk_v4(&roots_[0], hi);
    }
    if (addr.size() == 16) {
        const std::uint64_t hi = load_be64(addr.data());
        const std::uint64_t lo = load_be64(addr.data() + 8);
#if defined(__x86_64__)
        if (native_popcount_) {
            return walk_v6_popcnt(&roots_[1], hi, lo);
        }
#endif
        return walk_v6(&roots_[1], hi, lo);
    }
    return nullptr;
}

std::vector<value::IpPrefix> AllowedIpsTable::list(const void* value) const {
    const auto it = index_.find(value);
    if (it == index_.end()) {
        return {};
    }
    std::vector<value::IpPrefix> prefixes = it->second;
    std::sort(prefixes.begin(), prefixes.end());  // IPv4 first, then by address and length
    return prefixes;
}

std::size_t AllowedIpsTable::count(const void* value) const noexcept {
    const auto it = index_.find(value);
    return it == index_.end() ? 0 : it->second.size();
}

void AllowedIpsTable::clear() noexcept {
    free_subtree(roots_[0]);
    free_subtree(roots_[1]);
    index_.clear();
    size_ = 0;
}

std::size_t AllowedIpsTable::memory_bytes() const noexcept {
    // Per owner: its hash node (key, vector, next pointer) and its vector's storage.
    constexpr std::size_t kPerOwner =
        sizeof(std::pair<const void* const, std::vector<value::IpPrefix>>) + sizeof(void*);
    std::size_t bytes = sizeof(*this) + block_bytes_ + index_.bucket_count() * sizeof(void*);
    for (const auto& [owner, prefixes] : index_) {
        bytes += kPerOwner + prefixes.capacity() * sizeof(value::IpPrefix);
    }
    return bytes;
}

AllowedIpsTable::Node& AllowedIpsTable::reach(const Key& key, unsigned& pos) {
    Node* node = &root(key.v6);
    std::uint64_t hi = key.hi;
    std::uint64_t lo = key.lo;
    unsigned rest = key.cidr;
    while (rest >= kStride) {
        const auto step = static_cast<unsigned>(hi >> kStepShift);
        advance(hi, lo, kStride);
        rest -= kStride;

        if ((node->external & bit(step)) == 0) {
            // A new child, skipping as many of the key's remaining steps as it can.
            const unsigned steps = std::min(rest / kStride, kMaxSkip);
            Node* children = rebuild(*node, node->internal, node->external | bit(step));
            node = children + rank(node->external, step);
            if (steps != 0) {
                const unsigned skipped = kStride * steps;
                node->skip = make_skip(steps, hi >> (64 - skipped));
                advance(hi, lo, skipped);
                rest -= skipped;
            }
            continue;
        }

        Node* child = node->children + rank(node->external, step);
        if (const unsigned steps = skip_steps(child->skip); steps != 0) {
            // Keep the skipped steps the key shares and that lie above the key's own node; if
            // that is not all of them, the child splits there.
            const std::uint64_t bits = skip_bits(child->skip) << (64 - kStride * steps);
            const auto agree = static_cast<unsigned>(std::countl_zero(hi ^ bits)) / kStride;
            const unsigned keep = std::min({agree, steps, rest / kStride});
            if (keep < steps) {
                split(*child, keep);
            }
            if (keep != 0) {
                advance(hi, lo, kStride * keep);
                rest -= kStride * keep;
            }
        }
        node = child;
    }
    pos = position(rest, hi);
    return *node;
}

AllowedIpsTable::Node* AllowedIpsTable::locate(const Key& key, unsigned& pos,
                                               Trail* trail) noexcept {
    Node* node = &root(key.v6);
    std::uint64_t hi = key.hi;
    std::uint64_t lo = key.lo;
    unsigned rest = key.cidr;
    if (trail != nullptr) {
        trail->nodes[0] = node;
        trail->depth = 0;
    }
    while (rest >= kStride) {
        const auto step = static_cast<unsigned>(hi >> kStepShift);
        if ((node->external & bit(step)) == 0) {
            return nullptr;
        }
        node = node->children + rank(node->external, step);
        advance(hi, lo, kStride);
        rest -= kStride;
        if (const unsigned steps = skip_steps(node->skip); steps != 0) {
            // A key that ends among the skipped steps is not present: they hold no prefixes.
            const unsigned skipped = kStride * steps;
            if (rest < skipped || (hi >> (64 - skipped)) != skip_bits(node->skip)) {
                return nullptr;
            }
            advance(hi, lo, skipped);
            rest -= skipped;
        }
        if (trail != nullptr) {
            ++trail->depth;
            trail->nodes[trail->depth] = node;
            trail->steps[trail->depth] = step;
        }
    }
    pos = position(rest, hi);
    return (node->internal & bit(pos)) != 0 ? node : nullptr;
}

bool AllowedIpsTable::erase(const Key& key, const void* value, bool update_index) {
    Trail trail;
    unsigned pos = 0;
    Node* node = locate(key, pos, &trail);
    if (node == nullptr) {
        return false;
    }
    const Result found = *result_at(node->children, rank(node->internal, pos));
    if (found.value != value) {
        return false;
    }
    rebuild(*node, node->internal & ~bit(pos), node->external);
    --size_;
    if (update_index) {
        drop_from_index(found.value, found.owner_slot);
    }
    compact(trail);
    return true;
}

void AllowedIpsTable::drop_from_index(const void* value, std::uint32_t slot) noexcept {
    const auto it = index_.find(value);
    std::vector<value::IpPrefix>& owned = it->second;
    if (slot + 1 != owned.size()) {
        // The last prefix moves into the freed slot; its trie entry learns the new slot.
        owned[slot] = owned.back();
        unsigned pos = 0;
        Node* node = locate(key_of(owned[slot]), pos, nullptr);
        result_at(node->children, rank(node->internal, pos))->owner_slot = slot;
    }
    owned.pop_back();
    if (owned.empty()) {
        index_.erase(it);
    }
}

void AllowedIpsTable::split(Node& node, unsigned keep) {
    const unsigned steps = skip_steps(node.skip);
    const std::uint64_t bits = skip_bits(node.skip);
    const unsigned below = steps - keep - 1;
    const auto step = static_cast<unsigned>(bits >> (kStride * below)) & 63U;

    Node lower = node;
    lower.skip = below == 0 ? 0 : make_skip(below, bits & ~leading_mask(64 - kStride * below));
    Node upper;
    upper.skip = keep == 0 ? 0 : make_skip(keep, bits >> (kStride * (below + 1)));
    rebuild(upper, 0, bit(step))[0] = lower;
    node = upper;
}

void AllowedIpsTable::compact(const Trail& trail) noexcept {
    try {
        for (unsigned depth = trail.depth; depth > 0; --depth) {
            Node& node = *trail.nodes[depth];
            Node& parent = *trail.nodes[depth - 1];
            if (node.internal == 0 && node.external == 0) {
                rebuild(parent, parent.internal, parent.external & ~bit(trail.steps[depth]));
                continue;
            }
            if (node.internal == 0 && std::has_single_bit(node.external)) {
                // Fold the node into its only child, if the joined skip still fits.
                Node child = node.children[0];
                const unsigned upper = skip_steps(node.skip);
                const unsigned lower = skip_steps(child.skip);
                if (upper + 1 + lower <= kMaxSkip) {
                    const auto step = static_cast<unsigned>(std::countr_zero(node.external));
                    const std::uint64_t bits = (skip_bits(node.skip) << (kStride * (lower + 1))) |
                                               (std::uint64_t{step} << (kStride * lower)) |
                                               skip_bits(child.skip);
                    rebuild(node, 0, 0);
                    child.skip = make_skip(upper + 1 + lower, bits);
                    node = child;
                }
            }
            break;
        }
    } catch (const std::bad_alloc&) {
        // Only shrinking blocks can fail here; the trie is correct without it, if less compact.
    }
}

AllowedIpsTable::Node* AllowedIpsTable::rebuild(Node& node, std::uint64_t internal,
                                                std::uint64_t external) {
    const auto old_results = popcount(node.internal);
    const auto old_children = popcount(node.external);
    const auto new_results = popcount(internal);
    const auto new_children = popcount(external);

    Node* fresh = nullptr;
    if (new_results + new_children != 0) {
        const std::size_t bytes = block_size(new_results, new_children);
        auto* raw = static_cast<std::byte*>(::operator new(bytes));
        block_bytes_ += bytes;
        fresh = reinterpret_cast<Node*>(raw + result_bytes(new_results));
        unsigned i = 0;
        for (std::uint64_t rest = internal; rest != 0; rest &= rest - 1, ++i) {
            const auto pos = static_cast<unsigned>(std::countr_zero(rest));
            const bool kept = (node.internal & bit(pos)) != 0;
            new (result_at(fresh, i))
                Result(kept ? *result_at(node.children, rank(node.internal, pos)) : Result{});
        }
        i = 0;
        for (std::uint64_t rest = external; rest != 0; rest &= rest - 1, ++i) {
            const auto step = static_cast<unsigned>(std::countr_zero(rest));
            const bool kept = (node.external & bit(step)) != 0;
            new (fresh + i) Node(kept ? node.children[rank(node.external, step)] : Node{});
        }
    }
    free_block(node.children, old_results, old_children);
    node.internal = internal;
    node.external = external;
    node.children = fresh;
    return fresh;
}

void AllowedIpsTable::free_block(Node* children, unsigned results, unsigned child_count) noexcept {
    if (children == nullptr) {
        return;
    }
    const std::size_t bytes = block_size(results, child_count);
    ::operator delete(reinterpret_cast<std::byte*>(children) - result_bytes(results));
    block_bytes_ -= bytes;
}

void AllowedIpsTable::free_subtree(Node& node) noexcept {
    const auto child_count = popcount(node.external);
    for (unsigned i = 0; i < child_count; ++i) {
        free_subtree(node.children[i]);
    }
    free_block(node.children, popcount(node.internal), child_count);
    node = Node{};
}

}  // namespace tulle::core
