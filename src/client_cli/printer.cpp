#include "printer.hpp"

#include "runnel/client_cli/decrypted.hpp"
#include "runnel/client_cli/errors.hpp"

#include <cstdio>

namespace runnel::client_cli {

namespace {

void write_line(const received& m, output_format f) {
    auto line = format_line(m, f);
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
        throw failure("cannot write to stdout");
}

} // namespace

bool printer::print(const received& m) {
    if (!key_) {
        write_line(m, format_);
    } else {
        auto d = decrypt_received(*key_, m);
        if (!d.message) {
            ++skipped_;
            note(d.problem + "; skipped", command_);
            return done();
        }
        write_line(*d.message, format_);
    }
    ++printed_;
    return done();
}

void printer::check_decrypted() const {
    if (skipped_ > 0 && printed_ == 0)
        throw failure("not one of " + std::to_string(skipped_) + " messages decrypted (the notes above say why)");
}

void note(const std::string& text, const char* command) {
    std::fprintf(stderr, "runnel %s: %s\n", command, text.c_str());
    std::fflush(stderr);
}

} // namespace runnel::client_cli
