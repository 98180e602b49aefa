// The event stream interpretation of the WHATWG HTML standard ("Server-sent events").
#include "runnel/client_cli/sse_parser.hpp"

namespace runnel::client_cli {

namespace {
constexpr std::string_view bom = "\xEF\xBB\xBF";
}

bool sse_parser::feed(std::string_view bytes, std::vector<sse_event>& out) {
    if (broken_) return false;
    if (started_) return scan(bytes, out);
    // A leading BOM is dropped; it may itself arrive split, so wait until three bytes decide.
    head_.append(bytes);
    if (head_.size() < bom.size() && bom.starts_with(head_)) return true;
    started_ = true;
    std::string head = std::move(head_);
    head_.clear();
    std::string_view rest = head;
    if (rest.starts_with(bom)) rest.remove_prefix(bom.size());
    return scan(rest, out);
}

bool sse_parser::scan(std::string_view bytes, std::vector<sse_event>& out) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c != '\n' && c != '\r') {
            after_cr_ = false;
            continue;
        }
        const bool crlf_tail = c == '\n' && after_cr_; // the line already ended at the CR
        after_cr_ = c == '\r';
        if (!crlf_tail) {
            partial_.append(bytes.substr(start, i - start));
            line(partial_, out);
            partial_.clear();
        }
        start = i + 1;
    }
    partial_.append(bytes.substr(start));
    if (partial_.size() > max_bytes_ || data_.size() > max_bytes_) broken_ = true;
    return !broken_;
}

void sse_parser::line(std::string_view l, std::vector<sse_event>& out) {
    if (l.empty()) return dispatch(out);
    if (l.front() == ':') return; // a comment (heartbeats)
    auto colon = l.find(':');
    if (colon == std::string_view::npos) return field(l, {});
    auto value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    field(l.substr(0, colon), value);
}

void sse_parser::field(std::string_view name, std::string_view value) {
    if (name == "event") {
        type_ = value;
    } else if (name == "data") {
        data_.append(value);
        data_ += '\n';
        has_data_ = true;
    } else if (name == "id") {
        if (value.find('\0') == std::string_view::npos) id_buffer_ = value;
    } else if (name == "retry") {
        if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string_view::npos)
            return;
        retry_ = std::chrono::milliseconds(std::stoll(std::string(value)));
    }
}

void sse_parser::dispatch(std::vector<sse_event>& out) {
    // The ID takes effect only with the blank line: an event cut off before it is resumed.
    last_id_ = id_buffer_;
    if (has_data_) {
        data_.pop_back(); // the '\n' after the last data line
        out.push_back({type_.empty() ? "message" : type_, std::move(data_), last_id_});
    }
    type_.clear();
    data_.clear();
    has_data_ = false;
}

void sse_parser::reset() noexcept {
    head_.clear();
    partial_.clear();
    after_cr_ = false;
    started_ = false;
    broken_ = false;
    type_.clear();
    data_.clear();
    has_data_ = false;
    id_buffer_ = last_id_;
}

} // namespace runnel::client_cli
