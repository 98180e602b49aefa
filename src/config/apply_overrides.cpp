#include "apply_overrides.hpp"

#include "address.hpp"

#include <algorithm>

namespace runnel::config::detail {
namespace {

/// One listener flag: which listeners it replaces and whether the new ones use TLS.
struct listener_flag {
    std::string_view name;
    protocol proto;
    bool tls;      // the new listeners use TLS
    bool any_tls;  // replaces plain and TLS listeners alike (--admin)
    const std::vector<std::string>& addrs;

    bool replaces(const listener& l) const {
        return l.proto == proto && (any_tls || l.tls.has_value() == tls);
    }
};

/// The TLS settings for the listeners of `flag`: the template's (first replaced listener, else
/// the first TLS listener of the protocol) with --tls-cert/--tls-key laid over it.
tls_options tls_for(const listener_flag& flag, const std::vector<listener>& current,
                    const overrides& o) {
    std::optional<tls_options> base;
    for (const auto& l : current) {
        if (l.proto == flag.proto && l.tls) { base = l.tls; break; }
    }
    if (!base && !o.tls_cert) {
        throw config_error(std::string(flag.name),
                           "needs a certificate: pass --tls-cert and --tls-key or configure listeners[].tls");
    }
    tls_options t = base.value_or(tls_options{});
    if (o.tls_cert) t.cert = *o.tls_cert;
    if (o.tls_key) t.key = *o.tls_key;
    return t;
}

void replace_listeners(std::vector<listener>& ls, const listener_flag& flag, const overrides& o) {
    if (flag.addrs.empty()) return;
    const auto first = std::find_if(ls.begin(), ls.end(), [&](const listener& l) { return flag.replaces(l); });
    listener tmpl = first != ls.end() ? *first : listener{.proto = flag.proto};
    if (flag.tls) tmpl.tls = tls_for(flag, ls, o);
    else if (!flag.any_tls) tmpl.tls.reset();

    std::vector<listener> fresh;
    for (const auto& text : flag.addrs) {
        auto addr = parse_address(text, std::string(flag.name));
        listener l = tmpl;
        l.host = std::move(addr.host);
        l.port = addr.port;
        fresh.push_back(std::move(l));
    }
    // The new listeners take the place of the first replaced one (or go last), keeping the order.
    auto pos = static_cast<std::size_t>(first - ls.begin());
    std::erase_if(ls, [&](const listener& l) { return flag.replaces(l); });
    pos = std::min(pos, ls.size());
    ls.insert(ls.begin() + static_cast<std::ptrdiff_t>(pos), fresh.begin(), fresh.end());
}

} // namespace

void apply_overrides(options& opts, const overrides& o) {
    if (o.data_dir) opts.node.data_dir = *o.data_dir;
    if (o.node_name) opts.node.name = *o.node_name;
    if (o.workers) opts.node.workers = *o.workers;
    if (o.tls_cert.has_value() != o.tls_key.has_value()) {
        throw config_error(o.tls_cert ? "--tls-key" : "--tls-cert", "--tls-cert and --tls-key go together");
    }

    const listener_flag flags[] = {
        {"--mqtt", protocol::mqtt, false, false, o.mqtt},
        {"--mqtt-tls", protocol::mqtt, true, false, o.mqtt_tls},
        {"--http", protocol::http, false, false, o.http},
        {"--https", protocol::http, true, false, o.https},
        {"--admin", protocol::admin, false, true, o.admin},
    };
    for (const auto& f : flags) replace_listeners(opts.listeners, f, o);

    if (o.tls_cert) { // also re-keys TLS listeners that came from the file
        bool any = false;
        for (auto& l : opts.listeners) {
            if (!l.tls) continue;
            l.tls->cert = *o.tls_cert;
            l.tls->key = *o.tls_key;
            any = true;
        }
        if (!any) throw config_error("--tls-cert", "no TLS listener to use it: add --mqtt-tls or --https");
    }
}

} // namespace runnel::config::detail
