// DISCONNECT and AUTH (MQTT 3.14, 3.15): in v5 both may shorten to "no body" (reason 0x00,
// no properties) or to a lone reason code. PINGREQ/PINGRESP have no body at all and are
// handled by the driver's trailing-bytes check.
#include "decode_detail.hpp"

namespace runnel::codec::mqtt::detail {
namespace {

template <class P>
packet read_reason_and_props(wire_reader& r, prop_scope scope) {
    P p;
    // 3.1.x DISCONNECT has no body; the driver rejects any bytes left unread.
    if (!r.v5() || r.at_end()) return p;
    p.reason_code = r.u8();
    if (!r.at_end()) read_properties(r, scope, p.props);
    return p;
}

} // namespace

packet decode_disconnect(wire_reader& r) {
    return read_reason_and_props<disconnect>(r, prop_scope::disconnect);
}

packet decode_auth(wire_reader& r) { return read_reason_and_props<auth>(r, prop_scope::auth); }

} // namespace runnel::codec::mqtt::detail
