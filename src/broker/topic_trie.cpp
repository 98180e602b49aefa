/// topic_trie: filter levels as trie edges, subscribers at the node where their filter ends.
///
///   root ── "sport" ── "tennis" ── "player1"   {s1}       sport/tennis/player1
///    │                    │           └── '#'  {s2}       sport/tennis/player1/#
///    │                    └── '+'              {s3}       sport/tennis/+
///    └── '#'                                   {s4, $share/g: s5, s6}   #, $share/g/#
///
/// Every node has three kinds of child: literal levels in a hash map searched by string_view,
/// and the `+` and `#` children in their own slots, so a match never scans sibling levels.
/// Matching a name walks, level by level, the literal child and (if present) the `+` child;
/// a `#` child matches the rest of the name, including nothing ("a/#" matches "a"). At the
/// root the wildcard slots are skipped for names starting with `$` (MQTT 4.7.2).
///
/// Erase removes the subscription and then, on the way back up, every node it left with no
/// subscribers, groups or children, so churn does not leak nodes.
///
/// The match cache maps a topic name to its last result and the generation it was computed at.
/// insert and erase bump the generation, so every cached entry (including its shared_group
/// pointers, which erase may free) is ignored from then on and recomputed on next use. When
/// the cache is full a random entry is evicted (NATS sublist does the same).
#include "runnel/broker/topic_trie.hpp"

#include "trie_detail.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace runnel::broker {

using detail::next_level;
using detail::no_more_levels;

// ---- shared_group --------------------------------------------------------------------------

const subscriber* shared_group::pick(session_id exclude) {
    if (members_.empty()) return nullptr;
    auto n = members_.size();
    auto i = next_ % n;
    if (members_[i].ref.id == exclude && n > 1) i = (i + 1) % n;
    next_ = (i + 1) % n;
    return &members_[i];
}

bool shared_group::upsert(const subscriber& s) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const subscriber& m) { return m.ref.id == s.ref.id; });
    if (it != members_.end()) {
        *it = s;
        return false;
    }
    members_.push_back(s);
    return true;
}

bool shared_group::erase(session_id id) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const subscriber& m) { return m.ref.id == id; });
    if (it == members_.end()) return false;
    // Keep the order so the rotation stays fair: the member after the erased one keeps its turn.
    auto i = static_cast<std::size_t>(it - members_.begin());
    members_.erase(it);
    if (i < next_) --next_;
    if (next_ >= members_.size()) next_ = 0;
    return true;
}

// ---- nodes ---------------------------------------------------------------------------------

namespace {

/// Plain subscribers of one node. A vector keeps the match loop a straight copy; an index by
/// session id is added only when a node has many subscribers, so a filter every device shares
/// ("cmd/all") does not make insert and erase quadratic.
class subscriber_set {
public:
    const std::vector<subscriber>& items() const noexcept { return items_; }
    bool empty() const noexcept { return items_.empty(); }

    bool upsert(const subscriber& s) {
        if (auto pos = find(s.ref.id); pos != npos) {
            items_[pos] = s;
            return false;
        }
        items_.push_back(s);
        if (index_) (*index_)[s.ref.id] = items_.size() - 1;
        else if (items_.size() > index_threshold) build_index();
        return true;
    }

    bool erase(session_id id) {
        auto pos = find(id);
        if (pos == npos) return false;
        // Swap with the last one: subscriber order carries no meaning.
        if (pos != items_.size() - 1) {
            items_[pos] = items_.back();
            if (index_) (*index_)[items_[pos].ref.id] = pos;
        }
        items_.pop_back();
        if (index_) {
            index_->erase(id);
            if (items_.size() < index_threshold / 2) index_.reset();
        }
        return true;
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    static constexpr std::size_t index_threshold = 16;

    std::size_t find(session_id id) const {
        if (index_) {
            auto it = index_->find(id);
            return it == index_->end() ? npos : it->second;
        }
        for (std::size_t i = 0; i < items_.size(); ++i)
            if (items_[i].ref.id == id) return i;
        return npos;
    }

    void build_index() {
        index_ = std::make_unique<std::unordered_map<session_id, std::size_t>>();
        for (std::size_t i = 0; i < items_.size(); ++i) (*index_)[items_[i].ref.id] = i;
    }

    std::vector<subscriber> items_;
    std::unique_ptr<std::unordered_map<session_id, std::size_t>> index_;
};

} // namespace

struct topic_trie::node {
    using child_map = std::unordered_map<std::string, std::unique_ptr<node>, detail::string_hash,
                                         std::equal_to<>>;

    child_map children;
    std::unique_ptr<node> plus;  // `+` child
    std::unique_ptr<node> hash;  // `#` child (always a leaf)
    subscriber_set subs;
    // unique_ptr: match results and the cache hold shared_group* across vector growth.
    std::vector<std::unique_ptr<shared_group>> groups;

    bool empty() const noexcept {
        return subs.empty() && groups.empty() && children.empty() && !plus && !hash;
    }

    /// The child slot for `level`, or nullptr when it does not exist.
    std::unique_ptr<node>* find_child(std::string_view level) {
        if (level == "+") return plus ? &plus : nullptr;
        if (level == "#") return hash ? &hash : nullptr;
        auto it = children.find(level);
        return it == children.end() ? nullptr : &it->second;
    }

    node& child_or_create(std::string_view level) {
        if (auto* slot = find_child(level)) return **slot;
        auto fresh = std::make_unique<node>();
        auto& ref = *fresh;
        if (level == "+") plus = std::move(fresh);
        else if (level == "#") hash = std::move(fresh);
        else children.emplace(std::string(level), std::move(fresh));
        return ref;
    }

    void drop_child(std::string_view level) {
        if (level == "+") plus.reset();
        else if (level == "#") hash.reset();
        else if (auto it = children.find(level); it != children.end()) children.erase(it);
    }

    shared_group* find_group(std::string_view name) {
        for (auto& g : groups)
            if (g->name() == name) return g.get();
        return nullptr;
    }

    shared_group& group_or_create(std::string_view name, std::string_view filter) {
        if (auto* g = find_group(name)) return *g;
        groups.push_back(std::make_unique<shared_group>(std::string(name), std::string(filter)));
        return *groups.back();
    }

    bool erase_here(std::string_view group, session_id id) {
        if (group.empty()) return subs.erase(id);
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g->name() == group; });
        if (it == groups.end() || !(*it)->erase(id)) return false;
        if ((*it)->empty()) groups.erase(it);
        return true;
    }

    /// Removes the subscription on the filter whose remaining levels start at `pos`, then
    /// prunes the child it went through if that child is now empty.
    bool erase(std::string_view filter, std::size_t pos, std::string_view group, session_id id) {
        if (pos == no_more_levels) return erase_here(group, id);
        auto level = next_level(filter, pos);
        auto* slot = find_child(level);
        if (!slot || !(*slot)->erase(filter, pos, group, id)) return false;
        if ((*slot)->empty()) drop_child(level);
        return true;
    }

    void collect(match_result& out) const {
        const auto& s = subs.items();
        out.subscribers.insert(out.subscribers.end(), s.begin(), s.end());
        for (const auto& g : groups) out.groups.push_back(g.get());
    }

    /// Matches the name levels starting at `pos` against this node's subtree.
    void match(std::string_view name, std::size_t pos, bool root, match_result& out) const {
        if (pos == no_more_levels) {
            collect(out);
            if (hash) hash->collect(out); // "a/#" matches "a"
            return;
        }
        const bool wildcards = !(root && name.starts_with('$'));
        if (wildcards && hash) hash->collect(out);
        auto level = next_level(name, pos);
        if (wildcards && plus) plus->match(name, pos, false, out);
        if (auto it = children.find(level); it != children.end())
            it->second->match(name, pos, false, out);
    }

    std::size_t count() const {
        std::size_t n = 0;
        for (const auto& [level, child] : children) n += 1 + child->count();
        if (plus) n += 1 + plus->count();
        if (hash) n += 1 + hash->count();
        return n;
    }
};

// ---- cache ---------------------------------------------------------------------------------

struct topic_trie::cache {
    struct entry {
        std::uint64_t generation = 0;
        match_result result;
    };
    // A name whose result is bigger than this is not cached: the walk is cheap next to that
    // fan-out, and caching it for many names could hold capacity x subscribers entries.
    static constexpr std::size_t max_cached_result = 256;

    explicit cache(std::size_t cap) : capacity(cap) { entries.reserve(cap); }

    using map = std::unordered_map<std::string, entry, detail::string_hash, std::equal_to<>>;

    /// Slot for `name`, which is not in the map. When full, a random entry is evicted and its
    /// node (key string and result vectors included) reused, so a miss on a full cache
    /// allocates nothing once the vectors have grown.
    map::iterator add(std::string_view name) {
        if (entries.size() < capacity) return entries.emplace(std::string(name), entry{}).first;
        auto victim = entries.extract(entries.find(random_key()));
        victim.key().assign(name);
        return entries.insert(std::move(victim)).position;
    }

    const std::string& random_key() {
        // Random bucket, then the next non-empty one: with load factor <= 1 that is a short scan.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        auto buckets = entries.bucket_count();
        auto b = rng % buckets;
        while (entries.bucket_size(b) == 0) b = (b + 1) % buckets;
        return entries.begin(b)->first;
    }

    std::size_t capacity;
    map entries;
    std::uint64_t rng = 0x9E3779B97F4A7C15ull;
};

// ---- topic_trie ----------------------------------------------------------------------------

topic_trie::topic_trie(std::size_t cache_capacity)
    : root_(std::make_unique<node>()),
      cache_(cache_capacity > 0 ? std::make_unique<cache>(cache_capacity) : nullptr) {}

topic_trie::~topic_trie() = default;

bool topic_trie::insert(std::string_view filter, std::string_view group, const subscriber& who) {
    node* n = root_.get();
    for (std::size_t pos = 0; pos != no_more_levels;)
        n = &n->child_or_create(next_level(filter, pos));
    const bool added = group.empty() ? n->subs.upsert(who) : n->group_or_create(group, filter).upsert(who);
    if (added) ++size_;
    ++generation_; // also on replace: cached results carry the old options
    return added;
}

bool topic_trie::erase(std::string_view filter, std::string_view group, session_id id) {
    if (!root_->erase(filter, 0, group, id)) return false;
    --size_;
    ++generation_;
    return true;
}

void topic_trie::match(std::string_view name, match_result& out) {
    if (!cache_) {
        root_->match(name, 0, true, out);
        return;
    }
    auto& entries = cache_->entries;
    auto it = entries.find(name);
    if (it != entries.end() && it->second.generation == generation_) {
        const auto& r = it->second.result;
        out.subscribers.insert(out.subscribers.end(), r.subscribers.begin(), r.subscribers.end());
        out.groups.insert(out.groups.end(), r.groups.begin(), r.groups.end());
        return;
    }
    const auto subs_before = out.subscribers.size();
    const auto groups_before = out.groups.size();
    root_->match(name, 0, true, out);
    const auto found = out.subscribers.size() - subs_before + out.groups.size() - groups_before;
    if (found > cache::max_cached_result) {
        if (it != entries.end()) entries.erase(it);
        return;
    }
    if (it == entries.end()) it = cache_->add(name);
    auto& e = it->second;
    e.generation = generation_;
    e.result.subscribers.assign(out.subscribers.begin() + static_cast<std::ptrdiff_t>(subs_before),
                                out.subscribers.end());
    e.result.groups.assign(out.groups.begin() + static_cast<std::ptrdiff_t>(groups_before),
                           out.groups.end());
}

shared_group* topic_trie::find_group(std::string_view filter, std::string_view group) {
    node* n = root_.get();
    for (std::size_t pos = 0; pos != no_more_levels;) {
        auto* slot = n->find_child(next_level(filter, pos));
        if (!slot) return nullptr;
        n = slot->get();
    }
    return n->find_group(group);
}

std::size_t topic_trie::node_count() const { return root_->count(); }

} // namespace runnel::broker
